// Saving one field of a record: PATCH with If-Match (the version the user
// saw). A validation error stays with its field (the input keeps the text);
// a 412 opens the conflict dialog with the user's edit kept for re-applying.
import { useCallback, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, api, errorMessage, fieldMessage } from '../api/client';
import { primeRecord } from '../api/hooks';
import type { RecordData, Value } from '../api/types';

export interface Conflict {
  /** The record as the user saw it when editing. */
  base: RecordData;
  /** The user's edit, to re-apply. */
  patch: Record<string, Value>;
}

export function useRecordEditor(object: string, record: RecordData | undefined) {
  const qc = useQueryClient();
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  /** The machine-readable details of a field's error (a refused stage move's missing_fields, ...). */
  const [details, setDetails] = useState<Record<string, Record<string, string[]> | null>>({});

  const applyResult = useCallback(
    (r: RecordData) => {
      qc.setQueryData(['record', object, r.id], r);
      primeRecord(qc, object, r);
      void qc.invalidateQueries({ queryKey: ['history', object, r.id] });
      void qc.invalidateQueries({ queryKey: ['list', object] });
    },
    [qc, object],
  );

  /** Resolves true when saved, false when the edit must stay open (error or conflict). */
  const save = useCallback(
    async (patch: Record<string, Value>, base: RecordData | undefined = record): Promise<boolean> => {
      if (!base) return false;
      const clear = (e: Record<string, string>) => {
        const n = { ...e };
        for (const k of Object.keys(patch)) delete n[k];
        return n;
      };
      setErrors(clear);
      try {
        const r = await api.patch<RecordData>(`/${object}/${base.id}`, patch, base.version);
        applyResult(r);
        return true;
      } catch (e) {
        if (e instanceof ApiError && e.status === 412) {
          setConflict({ base, patch });
          return false;
        }
        // A refused stage move names the first missing field, but it is the
        // move that failed: its message stays with the stage.
        const apiDetails = e instanceof ApiError ? e.details : null;
        const stageMove = 'stage_id' in patch && (!!apiDetails?.missing_fields || /^stage_id: /.test(errorMessage(e)));
        const field = stageMove ? 'stage_id' : e instanceof ApiError && e.field ? e.field : Object.keys(patch)[0];
        setErrors((all) => ({ ...all, [field]: fieldMessage(errorMessage(e), field) }));
        setDetails((all) => ({ ...all, [field]: apiDetails }));
        return false;
      }
    },
    [object, record, applyResult],
  );

  return { save, conflict, setConflict, errors, setErrors, details, applyResult };
}
