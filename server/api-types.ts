// The JSON shapes of the HTTP API: produced by the server, read by the dashboard (with `import type`).
import type { DeviceInfo, LocationInfo } from './domain-types.ts';

export interface DocumentJson {
  id: string;
  name: string;
  status: 'processing' | 'ready' | 'failed';
  pageCount: number | null;
  format: string;
  sizeBytes: number;
  createdAt: string;
  updatedAt: string;
  thumbnailUrl: string | null;
  error?: { code: string; message: string };
}

export interface LinkJson {
  id: string;
  documentId: string;
  url: string;
  recipient: string | null;
  allowDownload: boolean;
  expiresAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

export interface Analytics {
  visits: number;
  uniqueViewers: number;
  totalMs: number;
  downloads: number;
  pages: { page: number; totalMs: number; visits: number }[];
}

export interface VisitSummary {
  id: string;
  linkId: string;
  recipient: string | null;
  startedAt: string;
  lastSeenAt: string;
  device: DeviceInfo | null;
  location: LocationInfo | null;
  totalMs: number;
  pagesViewed: number;
  lastPage: number | null;
  self: boolean;
  automated: boolean;
}
