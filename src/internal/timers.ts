/**
 * The longest wait `setTimeout` honours, in ms (2^31-1, about 24.8 days): past it, Node and browsers fire
 * the timer at once (Node with a warning), so a longer time limit would silently mean no limit at all.
 * Every option that becomes a timer is checked against this one bound.
 */
export const MAX_TIMER_MS = 2_147_483_647;
