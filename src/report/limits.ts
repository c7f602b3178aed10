/**
 * Limits of the places a report goes to, each with where it comes from. Reporters cut to these so that
 * GitHub never rejects a check run update (a 422 would leave the check `in_progress`).
 * @module
 */

/** Annotations accepted per check run create/update request (GitHub REST "Update a check run": `output.annotations`, "maximum of 50"). */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;

/** Characters accepted in a check run's `output.summary` and `output.text` (GitHub REST: "Maximum length: 65535 characters"). */
export const MAX_OUTPUT_FIELD_CHARS = 65_535;

/** Size of one annotation's `message` and `raw_details` (GitHub REST: "The maximum size is 64 KB"); counted in UTF-8 bytes. */
export const MAX_ANNOTATION_MESSAGE_BYTES = 64 * 1024;

/** Characters of an annotation's `title` (GitHub REST: "The maximum size is 255 characters"). */
export const MAX_ANNOTATION_TITLE_CHARS = 255;

/** Findings listed in a check run summary: enough to act on at a glance; the rest are in the text and annotations. */
export const SUMMARY_TOP_FINDINGS = 10;

/** Findings printed per failing gate by the CLI; `--format json` carries every one. */
export const CLI_MAX_FINDINGS_PER_GATE = 50;

/** Rows of the CLI's per-file coverage table, worst first. */
export const CLI_MAX_COVERAGE_ROWS = 20;

/** Characters of the uncovered-lines cell in a coverage table before it is cut with an ellipsis. */
export const MAX_UNCOVERED_CELL_CHARS = 120;
