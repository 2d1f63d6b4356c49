// End-to-end tests (see ../run.mjs): returns this suite's tests, each
// { name, fn({ page, api, shared, screenshot, ... }) } like those in run.mjs.
export function suite({ asAdmin, expect, Skip }) {
  return [];
}
