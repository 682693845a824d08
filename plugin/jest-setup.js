// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// jsdom lacks the observers @grafana/ui's menus and scroll containers use.
class NoopObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
global.IntersectionObserver = global.IntersectionObserver ?? NoopObserver;
global.ResizeObserver = global.ResizeObserver ?? NoopObserver;
