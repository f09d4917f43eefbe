/** Reading a page's @odata.nextLink from its text, so the next page can be asked for before this one is parsed. */
import { describe, expect, it } from 'vitest';
import { peekNextLink } from '../../../src-main/entra/graph-client';

const link = 'https://graph.microsoft.com/v1.0/users?$select=id&$skiptoken=X%2BY';

describe('peekNextLink', () => {
  it('finds the link at the end or at the start of a page, as JSON.parse would read it', () => {
    for (const body of [{ value: [{ id: '1' }], '@odata.nextLink': link }, { '@odata.context': 'c', '@odata.nextLink': link, value: [] }]) {
      const text = JSON.stringify(body);
      expect(peekNextLink(text)).toBe((JSON.parse(text) as { '@odata.nextLink': string })['@odata.nextLink']);
    }
  });

  it('unescapes a link written with JSON escapes', () => {
    const text = '{"value":[],"@odata.nextLink":"https:\\/\\/graph.microsoft.com\\/v1.0\\/users?$skiptoken=a\\u0026b"}';
    expect(peekNextLink(text)).toBe('https://graph.microsoft.com/v1.0/users?$skiptoken=a&b');
  });

  it('is not fooled by the key inside a string value, and says null when there is no link', () => {
    const text = JSON.stringify({ value: [{ id: '1', displayName: '"@odata.nextLink":"https://evil.example/"' }], '@odata.deltaLink': link });
    expect(peekNextLink(text)).toBeNull();
    expect(peekNextLink('{"value":[]}')).toBeNull();
    expect(peekNextLink('{"@odata.nextLink":"https://cut')).toBeNull();
  });
});
