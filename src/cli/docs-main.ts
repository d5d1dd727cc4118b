/** Print docs/cli.md (used to regenerate it: `node dist/cli/docs-main.js > docs/cli.md`). */
import { renderCliDocs } from './docs.js';

process.stdout.write(await renderCliDocs());
