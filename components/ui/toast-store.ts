// A tiny global store for toasts, so non-React code (the QueryClient's error hooks) can show one.

export type ToastTone = "error" | "success" | "info";
export type ToastItem = { id: number; tone: ToastTone; message: string };

let items: ToastItem[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

/** Shows a toast for a few seconds; the same message is not stacked twice. */
export function toast(message: string, tone: ToastTone = "info"): void {
  if (items.some((item) => item.message === message && item.tone === tone)) return;
  const item = { id: nextId++, tone, message };
  items = [...items, item].slice(-4);
  emit();
  setTimeout(() => dismissToast(item.id), tone === "error" ? 8000 : 4000);
}

export function dismissToast(id: number): void {
  const before = items.length;
  items = items.filter((item) => item.id !== id);
  if (items.length !== before) emit();
}

export function subscribeToasts(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function getToasts(): ToastItem[] {
  return items;
}

const EMPTY: ToastItem[] = [];
export function getServerToasts(): ToastItem[] {
  return EMPTY;
}

function emit() {
  for (const listener of listeners) listener();
}
