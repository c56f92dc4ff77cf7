"""Fair days (事集日): stalls with timed slots, walk-ins, and the office's attendance."""
