/**
 * Runs a query over node records: the matching nodes ranked, and for every criterion how many
 * nodes passed it, so a query that cannot be met says which criterion binds and how close it came.
 */
import { compileQuery, type CompiledQuery, type Filter } from "./filters.ts";
import { rankNodes, type RankedNode } from "./rank.ts";
import type { NodeRecord, Query, QueryOptions } from "./types.ts";

/**
 * How one criterion fared over the records.
 *
 * @example
 * ```ts
 * for (const c of result.criteria) console.log(`${c.label}: ${c.passed} pass, ${c.nearMisses} near misses`);
 * ```
 */
export interface CriterionReport {
  key: string;
  label: string;
  /** Nodes passing this criterion on its own. */
  passed: number;
  /** Nodes passing every OTHER criterion (what dropping this one would yield, before maxNodes). */
  passedWithoutIt: number;
  /** Nodes that fail this criterion and nothing else (near misses). */
  nearMisses: number;
  /** The best value among the near misses (highest for "atLeast", lowest for "atMost"). */
  bestNearMiss?: number | bigint;
  required?: number | bigint;
  direction?: "atLeast" | "atMost";
  unit?: string;
}

/**
 * Why a query came up short.
 *
 * @example
 * ```ts
 * if (result.shortfall) throw new CriteriaUnmetError(result.shortfall);
 * ```
 */
export interface Shortfall {
  /** Nodes the query needs (minNodes). */
  required: number;
  /** Nodes that match every criterion. */
  found: number;
  /** The criterion whose removal would add the most nodes; undefined when none fails (registry too small). */
  binding?: CriterionReport;
  /** One line for humans, e.g. "minGPUs(4, 'a100'): 2 of 5 required nodes match; best near miss 2 a100 GPUs vs 4 required". */
  message: string;
}

/**
 * Result of `evaluate`.
 *
 * @example
 * ```ts
 * const r: EvaluateResult = index.query(query, options);
 * if (r.satisfied) console.log(r.nodes.map((n) => n.node.id));
 * ```
 */
export interface EvaluateResult {
  /** Matching nodes, best first, at most maxNodes. */
  nodes: RankedNode[];
  /** Nodes matching every criterion (before the maxNodes cut). */
  matched: number;
  /** Records considered. */
  total: number;
  /** minNodes reached. */
  satisfied: boolean;
  criteria: CriterionReport[];
  shortfall?: Shortfall;
}

function better(f: Filter, a: number | bigint, b: number | bigint | undefined): boolean {
  if (b === undefined) return true;
  return f.direction === "atMost" ? a < b : a > b;
}

/**
 * Evaluates a compiled query over records.
 *
 * @example
 * ```ts
 * import { compileQuery } from "./client/discovery/filters.ts";
 * import { evaluateCompiled } from "./client/discovery/evaluate.ts";
 * const result = evaluateCompiled(compileQuery(query, options), records);
 * ```
 */
export function evaluateCompiled(compiled: CompiledQuery, records: Iterable<NodeRecord>): EvaluateResult {
  const filters = compiled.filters;
  const nf = filters.length;
  const passed = new Int32Array(nf);
  const only = new Int32Array(nf);
  const best = new Array<number | bigint | undefined>(nf).fill(undefined);
  const matching: NodeRecord[] = [];
  let total = 0;
  for (const node of records) {
    total++;
    let fails = 0;
    let lastFail = -1;
    for (let i = 0; i < nf; i++) {
      if ((filters[i] as Filter).test(node)) (passed[i] as number)++;
      else {
        fails++;
        lastFail = i;
      }
    }
    if (fails === 0) matching.push(node);
    else if (fails === 1) {
      (only[lastFail] as number)++;
      const f = filters[lastFail] as Filter;
      const v = f.measure?.(node);
      if (v !== undefined && better(f, v, best[lastFail])) best[lastFail] = v;
    }
  }
  const criteria = filters.map((f, i): CriterionReport => {
    const r: CriterionReport = {
      key: f.key,
      label: f.label,
      passed: passed[i] as number,
      passedWithoutIt: matching.length + (only[i] as number),
      nearMisses: only[i] as number,
    };
    if (best[i] !== undefined) r.bestNearMiss = best[i];
    if (f.required !== undefined) r.required = f.required;
    if (f.direction !== undefined) r.direction = f.direction;
    if (f.unit !== undefined) r.unit = f.unit;
    return r;
  });
  const ranked = rankNodes(matching, compiled.weights, compiled.priceModel, compiled.referenceJobSeconds);
  const result: EvaluateResult = {
    nodes: ranked.slice(0, compiled.maxNodes),
    matched: matching.length,
    total,
    satisfied: matching.length >= compiled.minNodes,
    criteria,
  };
  if (!result.satisfied)
    result.shortfall = explainShortfall(criteria, matching.length, compiled.minNodes, total);
  return result;
}

function explainShortfall(
  criteria: CriterionReport[],
  found: number,
  required: number,
  total: number,
): Shortfall {
  // The binding criterion: dropping it adds the most nodes; ties go to the most selective one.
  let binding: CriterionReport | undefined;
  for (const c of criteria) {
    if (c.passed === total) continue; // excluded nobody
    if (
      !binding ||
      c.nearMisses > binding.nearMisses ||
      (c.nearMisses === binding.nearMisses && c.passed < binding.passed)
    )
      binding = c;
  }
  if (!binding) {
    return {
      required,
      found,
      message: `${found} of ${required} required nodes: only ${total} nodes are known and every one matches`,
    };
  }
  let message = `${binding.label}: ${found} of ${required} required nodes match`;
  if (binding.nearMisses === 0)
    message += "; no single criterion is binding (nodes fail several), this one excludes the most";
  else message += `; without it ${binding.passedWithoutIt} would`;
  if (binding.bestNearMiss !== undefined && binding.required !== undefined) {
    message += `; best near miss ${binding.bestNearMiss} vs ${binding.required} required${binding.unit ? ` (${binding.unit})` : ""}`;
  }
  return { required, found, binding, message };
}

/**
 * Compiles and evaluates a query over records in one step.
 *
 * @throws InvalidCriteriaError when a criterion is malformed
 * @example
 * ```ts
 * import { evaluate } from "./client/discovery/evaluate.ts";
 * const r = evaluate({ criteria: { minNodes: 5 }, filters: { minGPUs: { count: 4, type: "a100" } } }, index.values(), options);
 * if (!r.satisfied) console.log(r.shortfall?.message);
 * ```
 */
export function evaluate(query: Query, records: Iterable<NodeRecord>, options: QueryOptions): EvaluateResult {
  return evaluateCompiled(compileQuery(query, options), records);
}
