/**
 * Tests that need a system part (keychain, Chromium) skip with a reason on a developer's laptop,
 * but must run in CI: there a missing part is a failure, not a skip.
 */
export const IN_CI = process.env.CI === 'true';

export function missingSystemPart(what: string, reason: string): string | null {
  if (IN_CI) throw new Error(`${what} is required in CI but is not usable: ${reason}`);
  return `${what} not available here (${reason}); this test runs in CI.`;
}
