/**
 * The bundled example's data: a seeded synthetic motor-insurance portfolio. Each row is a policy
 * with driver, vehicle and history features; the label `claim` says whether the policy had an
 * at-fault claim within a year. `gender` is a sensitive attribute kept for fairness slices and is
 * NOT a cause of the label (it correlates with mileage and vehicle type only), so a fair model
 * should show small gaps. `shift` moves the population (older vehicles, more urban, more mileage)
 * for drift demos.
 */
import type { Row } from '../data/types.js';
import { Rng } from './rng.js';

/** Options for the generator. */
export interface RiskDataOptions {
  /** Number of policies. */
  rows: number;
  /** Seed: the same seed gives the same rows. */
  seed: number;
  /** Population shift in [0, 1] (0: the training population). */
  shift?: number;
  /** First policy number (so train and eval files do not share ids). */
  firstId?: number;
}

/** Column names in file order. */
export const RISK_COLUMNS = [
  'policy_id',
  'age',
  'gender',
  'region',
  'vehicle_type',
  'vehicle_age',
  'vehicle_value',
  'annual_mileage',
  'years_licensed',
  'prior_claims',
  'credit_band',
  'telematics_score',
  'claim',
] as const;

const REGIONS = ['urban', 'suburban', 'rural', 'coastal'] as const;
const VEHICLES = ['hatchback', 'sedan', 'suv', 'van', 'pickup', 'sports'] as const;
const BANDS = ['A', 'B', 'C', 'D', 'E'] as const;

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/** Generates policies one at a time (streaming: millions of rows need no memory). */
export function* riskRows(options: RiskDataOptions): Generator<Row> {
  const rng = new Rng(options.seed);
  const shift = options.shift ?? 0;
  const first = options.firstId ?? 100000;
  for (let i = 0; i < options.rows; i++) {
    const gender = rng.choice(['female', 'male', 'nonbinary'], [0.49, 0.49, 0.02]);
    const age = Math.min(90, Math.max(18, Math.round(rng.normal(44 - 4 * shift, 14))));
    const region = rng.choice(REGIONS, [0.35 + 0.2 * shift, 0.35, 0.2 - 0.1 * shift, 0.1 - 0.1 * shift]);
    const vehicle = rng.choice(VEHICLES, [
      0.25,
      0.3,
      gender === 'male' ? 0.18 : 0.15,
      0.08,
      gender === 'male' ? 0.12 : 0.06,
      gender === 'male' ? 0.07 : 0.04,
    ]);
    const vehicleAge = Math.min(25, Math.max(0, Math.round(rng.normal(6 + 3 * shift, 4))));
    const baseValue = {
      hatchback: 14000,
      sedan: 22000,
      suv: 32000,
      van: 26000,
      pickup: 30000,
      sports: 55000,
    }[vehicle];
    const vehicleValue = round(baseValue * Math.exp(rng.normal(0, 0.3)) * 0.92 ** vehicleAge, 0);
    const mileage = Math.max(
      1000,
      Math.round(
        rng.normal(
          11000 + (gender === 'male' ? 1500 : 0) + (region === 'rural' ? 3000 : 0) + 3000 * shift,
          4000,
        ),
      ),
    );
    const yearsLicensed = Math.max(0, Math.min(age - 17, Math.round(age - 17 - Math.abs(rng.normal(0, 4)))));
    const priorClaims = rng.poisson(0.15 + 0.01 * Math.max(0, 30 - yearsLicensed));
    const band = rng.choice(BANDS, [0.2, 0.3, 0.25, 0.15, 0.1]);
    const enrolled = rng.next() < 0.6;
    const telematics = enrolled ? round(Math.min(100, Math.max(0, rng.normal(70, 12))), 1) : null;

    // Risk: young and inexperienced drivers, mileage, urban driving, sports cars, prior claims,
    // credit band; telematics lowers risk for good drivers. Interactions make an MLP worth it.
    const young = age < 25 ? 1 : 0;
    let z =
      -3.1 +
      1.3 * young +
      0.05 * Math.max(0, age - 70) +
      0.9 * Math.log1p(mileage / 10000) +
      (region === 'urban' ? 0.6 : region === 'rural' ? -0.25 : 0) +
      (vehicle === 'sports' ? 0.9 : vehicle === 'van' ? 0.25 : 0) +
      0.6 * priorClaims +
      0.3 * BANDS.indexOf(band) -
      0.04 * Math.min(yearsLicensed, 20) +
      0.03 * vehicleAge +
      (vehicle === 'sports' && young ? 0.9 : 0);
    if (telematics !== null) z += -0.06 * (telematics - 70);
    const p = 1 / (1 + Math.exp(-z));
    const claim = rng.next() < p ? 1 : 0;

    yield {
      policy_id: `P${first + i}`,
      age,
      gender,
      region,
      vehicle_type: vehicle,
      vehicle_age: vehicleAge,
      vehicle_value: rng.next() < 0.01 ? null : vehicleValue,
      annual_mileage: mileage,
      years_licensed: yearsLicensed,
      prior_claims: priorClaims,
      credit_band: band,
      telematics_score: telematics,
      claim,
    };
  }
}
