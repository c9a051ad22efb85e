/** One page of a paginated read; `cursor` is opaque and absent on the last page. */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

export interface PageRequest {
  /** Items per page at most. */
  limit: number;
  /** The `cursor` of the previous page; absent for the first page. */
  cursor?: string;
}
