/** The demo tenant's Graph simulator: start it, point a custom-cloud Entra source at it. */
export { startGraphSimulator, type GraphSimulator, type GraphSimulatorOptions, type GraphFaults, type GraphSimulatorStats } from './server';
export {
  generateTenant,
  NAMED_CASES,
  DEMO_APPS,
  GROUP_NAMES,
  MAIL_DOMAIN,
  COST_CENTER_ATTRIBUTE,
  type Fixture,
  type FixtureUser,
  type FixtureGroup,
  type FixtureApp,
  type NamedCase,
  type GeneratedTenant,
} from './fixture';
export type { UserPatch } from './state';
