/** Git blob ids computed locally, so a push sends only what the server does not already have. */
import { hashBlob } from 'isomorphic-git';

export async function gitBlobId(content: Uint8Array): Promise<string> {
  const { oid } = await hashBlob({ object: content });
  return oid;
}
