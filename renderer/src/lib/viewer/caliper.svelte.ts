import { caliperReading, type CaliperReading, type Point } from './calipers';
import type { Paper } from './paper';

/** A caliper dragged on the page: points in page pixels, valid for the paper they were drawn on. */
export class CaliperState {
  start = $state<Point | null>(null);
  end = $state<Point | null>(null);
  dragging = $state(false);

  begin(point: Point): void {
    this.start = point;
    this.end = point;
    this.dragging = true;
  }

  move(point: Point): void {
    if (this.dragging) this.end = point;
  }

  /** Ends the drag; a click without a drag (under 3 px) places no caliper. */
  finish(): void {
    this.dragging = false;
    if (this.start && this.end && Math.hypot(this.end.x - this.start.x, this.end.y - this.start.y) < 3) this.clear();
  }

  clear(): void {
    this.start = null;
    this.end = null;
    this.dragging = false;
  }

  /** Moves the end point by whole pixels (arrow keys), for fine adjustment without a mouse. */
  nudge(dx: number, dy: number): void {
    if (this.end) this.end = { x: this.end.x + dx, y: this.end.y + dy };
  }

  reading(paper: Paper): CaliperReading | null {
    return this.start && this.end ? caliperReading(paper, this.start, this.end) : null;
  }
}
