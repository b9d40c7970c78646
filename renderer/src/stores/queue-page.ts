// The queue's paging, apart from its store: the boot entry asks for the first page of the batch
// shown first with exactly the input the store will use, without loading the store's code.

export const PAGE_SIZE = 100;

export function firstPageInput(batchId: string) {
  return { batchId, offset: 0, limit: PAGE_SIZE };
}
