/** Evidence weights: how much each kind of rule counts (DESIGN.md's order of weight). */
export const WEIGHTS = {
  nameVerb: 0.9,
  /** A second verb joined by or/and (`create_or_update`). */
  nameSecondVerb: 0.85,
  titleVerb: 0.8,
  descriptionVerb: 0.75,
  /** The description's verb when the name has one of its own: it supports, the name decides. */
  descriptionVerbSupporting: 0.6,
  /** A verbless name of data words. */
  dataNoun: 0.55,
  actionEnum: 0.7,
  /** A read action among an action argument's values (`operation: list | get`). */
  readActionEnum: 0.5,
  /** A phrase outside the first sentence counts this much of its weight. */
  laterSentence: 0.5,
} as const;

/** How much of its weight a verb keeps when its object decides instead (`run_report`). */
export const OVERRIDDEN_VERB = 0.5;
/** The worst category whose score reaches this (and is near the top score) is chosen. */
export const DECISION_THRESHOLD = 0.5;
/** How far below the top score a worse category may be and still win. */
export const DECISION_MARGIN = 0.2;
/** Below this, the evidence is too thin: `unknown`. */
export const UNKNOWN_BELOW = 0.3;
/** A flag needs this much evidence. */
export const FLAG_THRESHOLD = 0.45;
/** … except freeform input on an execute tool. */
export const EXECUTE_FREEFORM_THRESHOLD = 0.3;
