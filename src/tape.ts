/** The Tape's public module path: the Tape lives in src/tape/ (tape.ts is its API). */
export { Tape } from './tape/tape';
