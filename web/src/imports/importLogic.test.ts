import { describe, expect, it } from 'vitest';
import {
  checkMapping,
  defaultUpsertKey,
  formatBytes,
  importPercent,
  importRequest,
  isResumable,
  isRunning,
  mappingBlocked,
  mappingProblems,
  type ImportField,
} from './importLogic';

const FIELDS: ImportField[] = [
  { name: 'first_name', label: 'First name', type: 'text', required: false },
  { name: 'last_name', label: 'Last name', type: 'text', required: false },
  { name: 'email', label: 'Email', type: 'email', required: false },
  { name: 'name', label: 'Account name', type: 'text', required: true },
];

describe('checkMapping', () => {
  it('finds required fields no column goes into', () => {
    const i = checkMapping({ A: 'email', B: '' }, FIELDS, 'accounts');
    expect(i.missingRequired.map((f) => f.name)).toEqual(['name']);
    expect(mappingBlocked(i)).toBe(true);
    expect(mappingProblems(i, FIELDS)).toEqual(['Account name is required: choose the column it comes from.']);
  });

  it('finds two columns going into one field', () => {
    const i = checkMapping({ Mail: 'email', 'E-mail': 'email', Company: 'name' }, FIELDS, 'accounts');
    expect(i.duplicates).toEqual({ email: ['Mail', 'E-mail'] });
    expect(mappingBlocked(i)).toBe(true);
    expect(mappingProblems(i, FIELDS)[0]).toBe('“Mail” and “E-mail” both go into Email; keep one.');
  });

  it('counts imported columns and ignores "don\'t import"', () => {
    const i = checkMapping({ A: 'first_name', B: '', C: 'name' }, FIELDS, 'accounts');
    expect(i.mappedCount).toBe(2);
    expect(mappingBlocked(i)).toBe(false);
    expect(mappingBlocked(checkMapping({ A: '', B: '' }, FIELDS.slice(0, 3), 'contacts'))).toBe(true);
  });

  it('needs the upsert key among the mapped fields', () => {
    const fields = FIELDS.slice(0, 3);
    expect(checkMapping({ A: 'first_name' }, fields, 'contacts', 'email').upsertKeyUnmapped).toBe(true);
    expect(checkMapping({ A: 'email' }, fields, 'contacts', 'email').upsertKeyUnmapped).toBe(false);
    expect(checkMapping({ A: 'first_name' }, fields, 'contacts', '').upsertKeyUnmapped).toBe(false);
  });

  it('warns when leads get no last name, company or email (without blocking)', () => {
    const fields = FIELDS.slice(0, 3);
    const i = checkMapping({ A: 'first_name' }, fields, 'leads');
    expect(i.leadIdentityMissing).toBe(true);
    expect(mappingBlocked(i)).toBe(false);
    expect(checkMapping({ A: 'email' }, fields, 'leads').leadIdentityMissing).toBe(false);
    expect(checkMapping({ A: 'first_name' }, fields, 'contacts').leadIdentityMissing).toBe(false);
  });
});

describe('requests and progress', () => {
  it('names every column in the request, unmapped ones as ""', () => {
    const body = importRequest(
      { upload_id: 'u1', object: 'leads', columns: [{ header: 'A', samples: [] }, { header: 'B', samples: [] }] },
      { A: 'email' },
      { dryRun: true, upsertKey: 'email' },
    );
    expect(body).toEqual({ upload_id: 'u1', object: 'leads', mapping: { A: 'email', B: '' }, dry_run: true, upsert_key: 'email' });
    const real = importRequest({ upload_id: 'u1', object: 'leads', columns: [] }, {}, { dryRun: false, upsertKey: '', again: true });
    expect(real).toEqual({ upload_id: 'u1', object: 'leads', mapping: {}, dry_run: false, again: true });
  });

  it('defaults the upsert key to email when email is imported', () => {
    expect(defaultUpsertKey({ A: 'email' })).toBe('email');
    expect(defaultUpsertKey({ A: 'phone' })).toBe('');
  });

  it('computes the percentage from bytes, 100 when finished', () => {
    expect(importPercent({ status: 'running', progress: { bytes_done: 50, bytes_total: 200, percent: 25 } })).toBe(25);
    expect(importPercent({ status: 'queued' })).toBe(0);
    expect(importPercent({ status: 'done', progress: { bytes_done: 10, bytes_total: 200, percent: 5 } })).toBe(100);
    expect(importPercent({ status: 'running', progress: { bytes_done: 500, bytes_total: 200, percent: 100 } })).toBe(100);
  });

  it('tells running, finished and resumable imports apart', () => {
    expect(isRunning({ status: 'running' })).toBe(true);
    expect(isRunning({ status: 'dry_run_queued' })).toBe(true);
    expect(isRunning({ status: 'done', active: true })).toBe(true);
    expect(isRunning({ status: 'done' })).toBe(false);
    expect(isResumable({ status: 'interrupted' })).toBe(true);
    expect(isResumable({ status: 'failed', active: true })).toBe(false);
    expect(isResumable({ status: 'done' })).toBe(false);
  });

  it('formats sizes', () => {
    expect(formatBytes(900)).toBe('900 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
  });
});
