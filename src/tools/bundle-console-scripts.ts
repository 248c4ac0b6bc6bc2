import { writeFileSync } from 'node:fs';
import { bundleExportVerifier, VERIFIER_BUNDLE } from '../console/console-scripts';

/** Part of `npm run build`: writes the console's bundled browser script next to the compiled console. */
writeFileSync(VERIFIER_BUNDLE, bundleExportVerifier());
