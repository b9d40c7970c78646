import { z } from 'zod';
import { BatchFileSchema } from './record-schema';

export function batchJsonSchema(): unknown {
  return { $id: 'https://perso-station.local/schemas/perso-batch-1.json', title: 'Perso Station batch file (perso-batch/1)', ...(z.toJSONSchema(BatchFileSchema, { io: 'input', unrepresentable: 'any' }) as object) };
}
