import type { BatchReport, ExportFile, ShiftReport } from '../../../shared/contract/areas/reports';
import { batchCsv, shiftCsv } from './csv';
import { batchPdf, shiftPdf } from './pdf';
import { fileSafe, stamp } from './format';

// A report as a file to save: its name, type and bytes (base64), plus the text for a CSV.
export type ExportFormat = 'pdf' | 'csv';

async function file(base: string, format: ExportFormat, csv: () => string, pdf: () => Promise<Buffer>): Promise<ExportFile> {
  if (format === 'csv') {
    // A BOM so spreadsheet programs read the file as UTF-8.
    const text = '\ufeff' + csv();
    return { fileName: `${base}.csv`, mime: 'text/csv; charset=utf-8', base64: Buffer.from(text, 'utf8').toString('base64'), text };
  }
  return { fileName: `${base}.pdf`, mime: 'application/pdf', base64: (await pdf()).toString('base64'), text: null };
}

export function exportBatch(r: BatchReport, format: ExportFormat): Promise<ExportFile> {
  return file(`reconciliation-${fileSafe(r.batchId)}-${stamp(r.generatedAt)}`, format, () => batchCsv(r), () => batchPdf(r));
}

export function exportShift(r: ShiftReport, format: ExportFormat): Promise<ExportFile> {
  return file(`shift-report-${stamp(r.from)}-to-${stamp(r.to)}`, format, () => shiftCsv(r), () => shiftPdf(r));
}
