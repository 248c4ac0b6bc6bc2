/**
 * What a webhook carries about buyers. `thin`: ids, status and a link (the
 * receiver reveals buyer data through the audited API); `full`: buyer data
 * opened just in time; `sealed`: buyer data sealed to the endpoint's X25519 key.
 */
export type PayloadMode = 'thin' | 'full' | 'sealed';
export const PAYLOAD_MODES: readonly PayloadMode[] = ['thin', 'full', 'sealed'];
