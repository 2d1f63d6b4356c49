// Uploads a file to POST /api/v1/imports/uploads with XMLHttpRequest, whose
// upload events give a progress bar (fetch has none), as multipart/form-data
// with the `object` field and the `file` part. Errors come back as the
// ApiError the rest of the app shows.
import { ApiError, getCsrfToken } from '../api/client';
import type { UploadPreview } from './importLogic';

export interface UploadHandle {
  promise: Promise<UploadPreview>;
  abort(): void;
}

export function uploadImportFile(file: File, object: string, onProgress: (fraction: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<UploadPreview>((resolve, reject) => {
    xhr.open('POST', '/api/v1/imports/uploads');
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    const csrf = getCsrfToken();
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(body as UploadPreview);
        return;
      }
      const err = (body as { error?: { code?: string; message?: string; field?: string | null } } | null)?.error;
      reject(
        new ApiError(
          xhr.status,
          err?.code ?? `http_${xhr.status}`,
          err?.message ?? (xhr.status === 413 ? 'The file is too large to upload.' : `The server answered ${xhr.status}`),
          err?.field ?? null,
        ),
      );
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The upload failed: the server cannot be reached.', null));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'The upload was cancelled.', null));
    const form = new FormData();
    form.append('object', object);
    form.append('file', file, file.name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}
