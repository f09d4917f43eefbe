import { Body1, Card, Title3 } from '@fluentui/react-components';

/** Placeholder for a page whose engine part has not landed yet (see the named issue). */
export function ComingSoon({ title, what }: { title: string; what: string }) {
  return (
    <section style={{ display: 'grid', gap: 16 }}>
      <Title3 as="h2">{title}</Title3>
      <Card data-testid="coming-soon" style={{ padding: 24 }}>
        <Body1>Coming soon: {what}</Body1>
      </Card>
    </section>
  );
}
