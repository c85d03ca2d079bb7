/**
 * Synthetic insurance-risk-like tabular data for the trainer benchmarks: 12 raw features (7
 * numeric, 5 categorical, one with 20 levels) and a binary `claim` label from a known logistic
 * model. Streamed from a seeded generator, so any row count costs no memory up front.
 */
import type { ModelConfig } from '../src/config/model-config.js';
import { ModelConfigSchema } from '../src/config/model-config.js';
import type { Row } from '../src/data/types.js';
import { createRng } from '../src/train/random.js';
import type { RowSource } from '../src/train/row-source.js';

const REGIONS = ['northeast', 'northwest', 'southeast', 'southwest'];
const CHANNELS = Array.from({ length: 20 }, (_, i) => `channel_${String(i).padStart(2, '0')}`);

/**
 * A seeded row source of `n` insurance-like rows (fresh, identical stream on every call);
 * `extra` adds that many numeric noise columns (`noise_0`, ...) to widen the table.
 */
export function insuranceSource(n: number, seed = 1, extra = 0): RowSource {
  return function* () {
    const rng = createRng(seed);
    const gauss = () => {
      const u = Math.max(rng(), 1e-12);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
    };
    for (let i = 0; i < n; i++) {
      const age = Math.round(18 + rng() * 62);
      const bmi = 27 + 5 * gauss();
      const children = Math.floor(rng() * 5);
      const smoker = rng() < 0.2 ? 'yes' : 'no';
      const region = REGIONS[Math.floor(rng() * 4)]!;
      const sex = rng() < 0.5 ? 'female' : 'male';
      const vehicleAge = Math.floor(rng() * 15);
      const premium = Math.exp(7 + 0.5 * gauss());
      const channel = CHANNELS[Math.min(19, Math.floor(-Math.log(Math.max(rng(), 1e-9)) * 4))]!;
      const damage = rng() < 0.5 ? 'yes' : 'no';
      const insured = rng() < 0.45 ? 1 : 0;
      const vintage = Math.floor(rng() * 300);
      const logit =
        -2 +
        0.03 * (age - 45) +
        0.08 * (bmi - 27) +
        (smoker === 'yes' ? 1.5 : 0) +
        (damage === 'yes' ? 1.2 : -0.5) -
        1.5 * insured +
        0.05 * vehicleAge +
        (channel < 'channel_03' ? 0.4 : 0);
      const row: Row = {
        id: i,
        age,
        bmi: rng() < 0.02 ? null : bmi,
        children,
        smoker,
        region,
        sex,
        vehicle_age: vehicleAge,
        annual_premium: premium,
        policy_channel: channel,
        vehicle_damage: damage,
        previously_insured: insured === 1 ? 'true' : 'false',
        vintage,
        claim: rng() < 1 / (1 + Math.exp(-logit)) ? 1 : 0,
      };
      for (let j = 0; j < extra; j++) row[`noise_${j}`] = gauss();
      yield row;
    }
  };
}

/** The benchmark model.yml: an MLP like the trainer's default ([64, 32], Adam 1e-3, batch 256). */
export function insuranceConfig(
  trainer: Record<string, unknown>,
  data: Record<string, unknown> = {},
): ModelConfig {
  return ModelConfigSchema.parse({
    name: 'insurance-risk',
    task: 'binary',
    seed: 42,
    data: { train: 'generated', label: 'claim', id: 'id', ...data },
    trainer: { hidden: [64, 32], batch_size: 256, learning_rate: 0.001, optimizer: 'adam', ...trainer },
  });
}
