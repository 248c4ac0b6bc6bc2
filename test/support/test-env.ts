/** Names of the variables the global setup hands to test workers. */
export const TEST_ENV = {
  templateDb: 'OVT_TEMPLATE_DB',
  pgliteTemplate: 'OVT_PGLITE_TEMPLATE',
  runId: 'OVT_RUN_ID',
} as const;
