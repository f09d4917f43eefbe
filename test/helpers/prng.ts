/** The project's seeded PRNG, so randomised tests are repeatable. */
export { prng as createPrng } from '../../src-main/core/prng';
