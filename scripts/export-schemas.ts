/** Writes schemas/*.json from the zod schemas (`npm run schemas`). A test checks they are fresh. */
import { mkdir, writeFile } from 'node:fs/promises';
import { jsonSchemas } from '../src/config/json-schema.js';

await mkdir('schemas', { recursive: true });
for (const [name, schema] of Object.entries(jsonSchemas())) {
  await writeFile(`schemas/${name}`, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote schemas/${name}`);
}
