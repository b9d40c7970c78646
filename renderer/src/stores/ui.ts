import { createStore } from 'zustand/vanilla';
import type { ConnectionState } from '../station/ws-client';
import type { View } from '../views';

export type Theme = 'light' | 'dark';
export type Screen = View;

export interface UiState {
  theme: Theme;
  screen: Screen;
  connection: ConnectionState;
  setTheme(t: Theme): void;
  toggleTheme(): void;
  setScreen(s: Screen): void;
  setConnection(c: ConnectionState): void;
}

export interface ThemeStorage {
  getItem(k: string): string | null;
  setItem(k: string, v: string): void;
}

const KEY = 'perso-station.theme';

export function initialTheme(storage: ThemeStorage | null, prefersDark: boolean): Theme {
  const saved = storage?.getItem(KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return prefersDark ? 'dark' : 'light';
}

export function createUiStore(storage: ThemeStorage | null, prefersDark: boolean) {
  return createStore<UiState>()((set, get) => ({
    theme: initialTheme(storage, prefersDark),
    screen: 'operator',
    connection: 'open',
    setTheme: (theme) => {
      try {
        storage?.setItem(KEY, theme);
      } catch {
        // storage may be unavailable (private mode, file://): the choice just is not remembered
      }
      set({ theme });
    },
    toggleTheme: () => get().setTheme(get().theme === 'dark' ? 'light' : 'dark'),
    setScreen: (screen) => set({ screen }),
    setConnection: (connection) => set({ connection }),
  }));
}
export type UiStore = ReturnType<typeof createUiStore>;
