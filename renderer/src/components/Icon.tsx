// Small inline icons (no icon font, no remote asset). Decorative: the text beside them carries
// the meaning, so they are hidden from assistive technology.
const PATHS = {
  check: 'M4 12.5l5 5L20 6.5',
  cross: 'M6 6l12 12M18 6L6 18',
  warn: 'M12 3l10 18H2L12 3zm0 6v6m0 3v.5',
  info: 'M12 2a10 10 0 100 20 10 10 0 000-20zm0 9v6m0-10v.5',
  clock: 'M12 2a10 10 0 100 20 10 10 0 000-20zm0 5v5l3 3',
  play: 'M7 4l13 8-13 8V4z',
  pause: 'M7 4h3v16H7zM14 4h3v16h-3z',
  stop: 'M5 5h14v14H5z',
  estop: 'M8 2h8l6 6v8l-6 6H8l-6-6V8l6-6zm4 5v6m0 3v.5',
  sun: 'M12 7a5 5 0 100 10 5 5 0 000-10zM12 1v3m0 16v3M1 12h3m16 0h3M4.2 4.2l2.1 2.1m11.4 11.4l2.1 2.1M4.2 19.8l2.1-2.1M17.7 6.3l2.1-2.1',
  moon: 'M21 12.8A9 9 0 1111.2 3a7 7 0 009.8 9.8z',
  upload: 'M12 16V4m-5 5l5-5 5 5M4 20h16',
  scan: 'M3 7V3h4M17 3h4v4M21 17v4h-4M7 21H3v-4M7 8v8M10 8v8M13 8v8M17 8v8',
  download: 'M12 4v12m-5-5l5 5 5-5M4 20h16',
  hold: 'M12 2a10 10 0 100 20 10 10 0 000-20zM9 8v8m6-8v8',
  dot: 'M12 8a4 4 0 100 8 4 4 0 000-8z',
  user: 'M12 12a5 5 0 100-10 5 5 0 000 10zm-9 10a9 9 0 0118 0',
} as const;
export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 24, className }: { name: IconName; size?: number; className?: string }) {
  return (
    <svg className={'icon ' + (className ?? '')} width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="none" stroke="currentColor" strokeWidth={2.2} strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
