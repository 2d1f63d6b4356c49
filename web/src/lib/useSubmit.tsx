// The plumbing of an editor's Save: busy while the request runs, the API's
// error kept (as an ApiError), and that error shown under the field it names.
import { useCallback, useState } from 'react';
import { ApiError, asApiError, fieldMessage } from '../api/client';

export function useSubmit() {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  /** Runs `work` with busy set and the previous error cleared; a failure becomes `error`. */
  const submit = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  }, []);

  /** The error's message under an input, when the server named one of `names`. */
  const fieldError = (...names: string[]) =>
    error?.field && names.includes(error.field) ? (
      <div className="field-error" role="alert">
        {fieldMessage(error.message, error.field)}
      </div>
    ) : null;

  return { error, setError, busy, submit, fieldError };
}
