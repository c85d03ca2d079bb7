/**
 * A calibration plot (reliability diagram) as an SVG string: mean predicted probability against the
 * observed frequency per bin, for each run, over the dashed diagonal of perfect calibration.
 */
import type { CalibrationBin } from './curves.js';
import { lineChart } from './svg-line-chart.js';

/** The bins of one run. */
export interface CalibrationSeries {
  label: string;
  bins: CalibrationBin[];
  /** Palette index; default: the series' position. */
  color?: number;
}

/** What {@link calibrationChart} draws. */
export interface CalibrationChartOptions {
  title?: string;
  description?: string;
  series: CalibrationSeries[];
  width?: number;
  height?: number;
}

/** Renders a calibration plot on [0, 1] x [0, 1]; each point's tooltip gives the bin's values and size. */
export function calibrationChart(options: CalibrationChartOptions): string {
  return lineChart({
    title: options.title ?? 'Calibration',
    description:
      options.description ??
      'Observed frequency of the positive class against the mean predicted probability, per bin of predictions.',
    xLabel: 'Mean predicted probability',
    yLabel: 'Observed frequency',
    xDomain: [0, 1],
    yDomain: [0, 1],
    width: options.width,
    height: options.height,
    reference: { label: 'perfectly calibrated', from: [0, 0], to: [1, 1] },
    series: options.series.map((s, i) => ({
      label: s.label,
      color: s.color ?? i,
      x: s.bins.map((b) => b.meanPredicted),
      y: s.bins.map((b) => b.observed),
      markers: true,
      pointTitles: s.bins.map(
        (b) =>
          `${s.label}: predicted ${b.meanPredicted.toFixed(3)}, observed ${b.observed.toFixed(3)}, ${b.count} rows`,
      ),
    })),
  });
}
