import { type FailureCode, KinitroError } from '#protocol'

/** Every code an {@link EvaluationError} can carry; the evaluator README's error table lists the same codes. */
export const EVALUATION_ERROR_CODES = [
  'EVAL_POLICY_MANIFEST_INVALID',
  'EVAL_SAMPLE_POLICY_UNKNOWN',
  'EVAL_ENV_ID_CONFLICT',
] as const

/** One of {@link EVALUATION_ERROR_CODES}. */
export type EvaluationErrorCode = (typeof EVALUATION_ERROR_CODES)[number]

export type EvaluationErrorMeta =
  | { code: 'EVAL_POLICY_MANIFEST_INVALID'; dir: string; reason: string; failure: FailureCode }
  | { code: 'EVAL_SAMPLE_POLICY_UNKNOWN'; name: string; known: string[] }
  | { code: 'EVAL_ENV_ID_CONFLICT'; envId: string }

/** Errors of the evaluator's composition layer (policy folders, the environment registry). */
export class EvaluationError extends KinitroError<EvaluationErrorMeta> {}

/** How to fix each code; printed by the CLI and mirrored in the README table. */
export const EVALUATION_ERROR_FIXES: Readonly<Record<EvaluationErrorCode, string>> = {
  EVAL_POLICY_MANIFEST_INVALID:
    'give the policy folder a kinitro.json like {"name":"my-policy","entry":["python3","server.py","--port","{port}"]}',
  EVAL_SAMPLE_POLICY_UNKNOWN: 'use one of the listed sample policies, or pass a policy folder or --policy-url',
  EVAL_ENV_ID_CONFLICT: 'give each remote environment family ids that no built-in task uses',
}
