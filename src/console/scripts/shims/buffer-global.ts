/** `Buffer` for the browser bundle (esbuild injects it where the shared verification code names it). */
export { Buffer } from 'buffer';
