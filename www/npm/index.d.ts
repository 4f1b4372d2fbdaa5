// The widget's JavaScript API. The same handle serves Rocket.Chat's embed API (unchanged) and
// the widget's own typed API.

/** Options for {@link boot}; the script tag's `data-` attributes map onto them. */
export interface BootOptions {
  /** The Rocket.Chat server, `https://chat.example.com`. Required. */
  server: string;
  /** Department id or name to route chats to. */
  department?: string;
  /** BCP 47 tag; the browser's languages are tried next, then English. */
  language?: string;
  /**
   * Where the catalogues of the languages besides English are (`<i18n><tag>.json`, as in the
   * package's `i18n/`), when the bundler does not emit them next to the code. An address ending in `/`.
   */
  i18n?: string | URL;
  /** The theme colour (launcher, header, buttons), any CSS colour. */
  color?: string;
  position?: 'left' | 'right';
  colorScheme?: 'light' | 'dark' | 'auto';
  /** `"required"`: nothing starts and nothing is stored until the visitor interacts or `consent()` is called. */
  consent?: 'required' | 'none';
  /** Keeps this widget's stored visitor apart from others of the same server on the page. */
  namespace?: string;
  guestName?: string;
  guestEmail?: string;
  /** `"on"`: a short tone when an agent message arrives while the window is closed or the page hidden. */
  sound?: 'on' | 'off';
  /** `"polling"`: never open a WebSocket; poll for new messages instead. */
  transport?: 'websocket' | 'polling';
  /** `"off"`: the server's triggers (proactive messages) do not run on this site. */
  triggers?: 'on' | 'off';
}

/** What `status()` answers. */
export type Status = 'loading' | 'prechat' | 'chat' | 'offline' | 'offline-sent' | 'survey' | 'ended' | 'unavailable' | 'unreachable';

export interface AgentInfo {
  _id: string;
  name?: string;
  username?: string;
  status?: string;
}

export interface ChatMessage {
  _id: string;
  rid: string;
  msg: string;
  /** Milliseconds since the epoch. */
  ts?: number;
  /** System message type (`uj`, `livechat-close`, …); absent for plain messages. */
  t?: string;
  u?: { _id: string; username: string; name?: string };
  /** The visitor's own message. */
  fromVisitor: boolean;
}

export interface PrechatForm {
  name: string;
  email: string;
  department?: string;
}

export interface OfflineForm extends PrechatForm {
  message: string;
}

/** Events for `on`/`off` and what their callbacks receive. */
export interface Events {
  'chat-maximized': () => void;
  'chat-minimized': () => void;
  'chat-started': () => void;
  'chat-ended': () => void;
  'pre-chat-form-submit': (form: PrechatForm) => void;
  'offline-form-submit': (form: OfflineForm) => void;
  'show-widget': () => void;
  'hide-widget': () => void;
  'assign-agent': (agent: AgentInfo) => void;
  'agent-status-change': (agent: AgentInfo) => void;
  /** The visitor's place in the waiting queue (`spot` 0 once out of it). */
  'queue-position-change': (queue: { spot: number }) => void;
  /** The visitor opened the window while no agent is online. */
  'no-agent-online': () => void;
  /** Once per message: history, the agent's, and the visitor's own once the server has it. */
  message: (message: ChatMessage) => void;
  'status-change': (status: Status) => void;
  'unread-change': (count: number) => void;
}

/** Rocket.Chat's `setTheme` argument. `fontColor` (or `iconColor`) colours text and icons on the theme colour. */
export interface Theme {
  color?: string;
  fontColor?: string;
  iconColor?: string;
  title?: string;
  offlineTitle?: string;
  position?: 'left' | 'right';
}

export interface Guest {
  token?: string;
  name?: string;
  email?: string;
  department?: string;
  customFields?: { key: string; value: string; overwrite?: boolean }[];
}

/** Rocket.Chat's `initialize` argument; applied in this order. */
export interface InitializeParams {
  theme?: Theme;
  department?: string;
  guestToken?: string;
  guestName?: string;
  guestEmail?: string;
  registerGuest?: Guest;
  language?: string;
  customField?: [key: string, value: string, overwrite?: boolean];
  setCustomFields?: [key: string, value: string, overwrite?: boolean][];
}

/** Rocket.Chat's embed API, unchanged (`RocketChat(function () { this.… })`). */
export interface RocketChatApi {
  setTheme(theme: Theme): void;
  setCustomField(key: string, value: string | number, overwrite?: boolean): Promise<void>;
  setCustomFields(fields: [key: string, value: string | number, overwrite?: boolean][]): Promise<void>;
  setDepartment(department: string): Promise<void>;
  clearDepartment(): Promise<void>;
  setGuestToken(token: string): void;
  setGuestName(name: string): Promise<void>;
  setGuestEmail(email: string): Promise<void>;
  registerGuest(guest: Guest): Promise<void>;
  /** Fetches the language's texts, then switches (to English, with a console warning, if they cannot be had). */
  setLanguage(language: string): Promise<void>;
  showWidget(): void;
  hideWidget(): void;
  maximizeWidget(): void;
  minimizeWidget(): void;
  initialize(params: InitializeParams): void;
  onChatMaximized(callback: Events['chat-maximized']): void;
  onChatMinimized(callback: Events['chat-minimized']): void;
  onChatStarted(callback: Events['chat-started']): void;
  onChatEnded(callback: Events['chat-ended']): void;
  onPrechatFormSubmit(callback: Events['pre-chat-form-submit']): void;
  onOfflineFormSubmit(callback: Events['offline-form-submit']): void;
  onWidgetShown(callback: Events['show-widget']): void;
  onWidgetHidden(callback: Events['hide-widget']): void;
  onAssignAgent(callback: Events['assign-agent']): void;
  onAgentStatusChange(callback: Events['agent-status-change']): void;
  onQueuePositionChange(callback: Events['queue-position-change']): void;
  onServiceOffline(callback: Events['no-agent-online']): void;
  /** Forgets every callback and listener the site registered. */
  clearAllCallbacks(): void;
  /** Rocket.Chat Enterprise calls: accepted and ignored, with a console warning. */
  setAgent(agent: object): void;
  setBusinessUnit(id: string): void;
  clearBusinessUnit(): void;
  setGuestMetadata(metadata: object): void;
  setHiddenSystemMessages(types: string[]): void;
  setParentUrl(url: string): void;
}

/** The widget's own typed API. */
export interface TypedApi {
  open(): void;
  close(): void;
  show(): void;
  hide(): void;
  isOpen(): boolean;
  isVisible(): boolean;
  status(): Status;
  unreadCount(): number;
  /** Forgets the visitor (token, room, stored values) and starts over as a new one. */
  reset(): void;
  /**
   * The visitor agreed: storage may be written; a widget waiting for consent starts. It is the
   * visitor's agreement to the server's data-processing terms too (Rocket.Chat's
   * `forceAcceptDataProcessingConsent`), so the widget does not ask for it again.
   */
  consent(): void;
  /** Reports the page the visitor is on (the script-tag loader does it on every route change). */
  pageVisited(title: string, href: string): Promise<void>;
  on<E extends keyof Events>(event: E, callback: Events[E]): void;
  off<E extends keyof Events>(event: E, callback: Events[E]): void;
}

/**
 * A widget on the page. Until it is up (the wasm and the visitor's language fetched), calls are
 * queued and applied in order, each answering a promise of its result, and getters answer from
 * what is known (closed, `loading`, no unread).
 */
export interface Livechat extends RocketChatApi, TypedApi {
  /** The visitor's token (undefined until the widget is up). */
  token(): string | undefined;
  /** Whether the widget is up. */
  isLoaded(): boolean;
  /** Resolves once the widget is up; rejects if the wasm could not be loaded (the next call tries again). */
  ready(): Promise<Livechat>;
}

/**
 * Mounts a widget on `host` (in a shadow root) and returns its handle. Throws on bad options.
 * In English, with the wasm loaded, the widget is up when `boot` returns; otherwise the
 * visitor's language is fetched first, so the widget never shows English before it.
 */
export function boot(host: Element, options: BootOptions): Livechat;

/** What the wasm may be given as to {@link init}. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/**
 * Fetches and compiles the wasm, once; `boot` calls it itself. Call it first only to load the
 * wasm from elsewhere (by default `widget_bg.wasm` in the package, which bundlers emit).
 */
export default function init(options?: { module_or_path?: InitInput | Promise<InitInput> }): Promise<unknown>;
