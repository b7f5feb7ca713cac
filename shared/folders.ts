import { z } from 'zod';

/**
 * Folders the app writes to (exports, bundles): often a USB drive. Only directories are ever
 * listed, never file contents, and only full paths are accepted.
 */
export const FolderPathInput = z.string().max(4096);

/** What a folder is like right now, so a form can say so before a job is queued. */
export const FolderCheck = z.object({
  /** The path as checked (normalised). */
  path: z.string(),
  exists: z.boolean(),
  writable: z.boolean(),
  /** Free space on its drive, when the system says. */
  freeBytes: z.number().nonnegative().nullable(),
  /** error: nothing can be saved there; warning: it can, but look (little space left). */
  severity: z.enum(['ok', 'warning', 'error']),
  message: z.string().nullable(),
});
export type FolderCheck = z.infer<typeof FolderCheck>;

export const FolderEntry = z.object({ name: z.string(), path: z.string() });
export type FolderEntry = z.infer<typeof FolderEntry>;

/** Where people keep things: their home, USB drives, other mounted drives, Windows drive letters. */
export const FolderPlace = z.object({
  label: z.string(),
  path: z.string(),
  kind: z.enum(['home', 'removable', 'drive']),
});
export type FolderPlace = z.infer<typeof FolderPlace>;

export const FolderListing = z.object({
  path: z.string(),
  /** null at the top of a drive. */
  parent: z.string().nullable(),
  entries: z.array(FolderEntry),
  /** More sub-folders than are listed (a huge folder); type the path instead. */
  truncated: z.boolean(),
  places: z.array(FolderPlace),
});
export type FolderListing = z.infer<typeof FolderListing>;
