import { getContext, setContext } from 'svelte';
import type { EinthovenBridge } from '../../../../core/contract/bridge';

const key = Symbol.for('einthoven.display-calibration');

/** Length of the on-screen ruler the user measures, in paper millimetres. */
export const rulerMm = 100;

/**
 * Screen calibration: browsers assume 96 px per inch, which few monitors have, so "25 mm/s"
 * is only nominal until the user measures a ruler drawn on screen. The factor is kept by the
 * engine; printing ignores it (a printer's millimetres are exact).
 */
export class DisplayCalibration {
  readonly #bridge: EinthovenBridge;
  screenScale = $state(1);
  error = $state<string | null>(null);

  constructor(bridge: EinthovenBridge) {
    this.#bridge = bridge;
  }

  async load(): Promise<void> {
    const result = await this.#bridge.api['display:get']({});
    if (result.ok) this.screenScale = result.value.screenScale;
    else this.error = result.error.message;
  }

  /** The ruler, drawn at the current scale, measured `measuredMm` long: rescale so it becomes `rulerMm`. */
  async measured(measuredMm: number): Promise<void> {
    await this.#save((this.screenScale * rulerMm) / measuredMm);
  }

  async reset(): Promise<void> {
    await this.#save(1);
  }

  async #save(screenScale: number): Promise<void> {
    const result = await this.#bridge.api['display:calibrate']({ screenScale });
    if (result.ok) {
      this.screenScale = result.value.screenScale;
      this.error = null;
    } else this.error = `Calibration not saved: ${result.error.message}`;
  }
}

export function setDisplayCalibration(calibration: DisplayCalibration): DisplayCalibration {
  return setContext(key, calibration);
}

export function useDisplayCalibration(): DisplayCalibration {
  return getContext<DisplayCalibration>(key);
}
