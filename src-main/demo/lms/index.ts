/** The simulated LMS (SCIM 2.0) for the demo, the CLI's `rollcall sim` and the tests. */
export { startLmsSimulator, DEFAULT_SIM_CAPABILITIES, type LmsSimulator, type LmsSimulatorOptions, type LmsFaults, type SimCapabilities, type RequestLogEntry } from './server';
export { DEFAULT_SEED, EMPTY_SEED, type LmsSeed, type SeedUser } from './seed';
export { VENDOR_NAMESPACE } from './scimmy-setup';
