/*!
 * Trợ lý Dịch vụ công — website chat widget.
 * Plain JavaScript (ES2019), no build step, no framework. Guide: docs/widget.md.
 *
 * Embed:
 *   <script>window.TroLyDichVuCong = { title: "Trợ lý Dịch vụ công" };</script>
 *   <script src="https://BOT-SERVER/webhooks/widget/widget.js" defer></script>
 *
 * Safety rule of this file: nothing a citizen or the bot sends is ever parsed as HTML.
 * Every node is built with createElement/textContent; links get an href only after
 * the URL parses with protocol http: or https:.
 */
(function () {
  "use strict";

  const VERSION = "1.0.0";
  const HOST = window.TroLyDichVuCong && typeof window.TroLyDichVuCong === "object" ? window.TroLyDichVuCong : {};
  if (HOST.widget) return; // loaded twice: the first copy stays in charge
  window.TroLyDichVuCong = HOST;
  const SCRIPT = document.currentScript; // only available while this file first runs

  // ------------------------------------------------------------------ strings
  // Every text the citizen sees. A host page may replace any of them via config.strings.
  const STRINGS = {
    title: "Trợ lý Dịch vụ công",
    subtitle: "Hướng dẫn thủ tục hành chính, tra cứu hồ sơ",
    launcherLabel: "Mở trợ lý Dịch vụ công",
    launcherText: "Trợ lý Dịch vụ công",
    close: "Đóng",
    large: "Chữ lớn, tương phản cao",
    largeShort: "Chữ lớn",
    toolsLabel: "Công cụ trò chuyện",
    restart: "Bắt đầu lại",
    restartConfirm: "Bắt đầu lại sẽ xoá cuộc trò chuyện đang hiển thị. Anh/Chị chắc chắn chứ ạ?",
    restartYes: "Đồng ý, bắt đầu lại",
    restartNo: "Không",
    restarted: "Đã bắt đầu cuộc trò chuyện mới.",
    download: "Tải cuộc trò chuyện",
    print: "In cuộc trò chuyện",
    end: "Kết thúc trò chuyện",
    conversationLabel: "Nội dung trò chuyện",
    logLabel: "Tin nhắn",
    inputLabel: "Nội dung câu hỏi",
    placeholder: "Nhập câu hỏi của Anh/Chị…",
    send: "Gửi",
    counter: "{n}/{max} ký tự",
    tooLong: "Tin nhắn dài quá {max} ký tự nên đã được cắt bớt. Anh/Chị xem lại trước khi gửi ạ.",
    typing: "Trợ lý đang trả lời…",
    userName: "Anh/Chị",
    botName: "Trợ lý",
    quickLabel: "Gợi ý câu hỏi",
    noReply: "Trợ lý chưa nhận được trả lời từ hệ thống. Anh/Chị vui lòng gửi lại câu hỏi sau ít phút hoặc gọi tổng đài 1800 1096 (miễn phí) ạ.",
    offline: "Mất kết nối. Đang thử kết nối lại…",
    reconnected: "Đã kết nối lại.",
    queued: "Anh/Chị đang mất kết nối. Tin nhắn sẽ được gửi ngay khi kết nối lại ạ.",
    pending: "Đang chờ gửi…",
    failed: "Chưa gửi được",
    sendFailed: "Chưa gửi được tin nhắn vì không kết nối được với trợ lý. Anh/Chị bấm “Gửi lại” sau ít phút, hoặc gọi tổng đài 1800 1096 (miễn phí) ạ.",
    rejected: "Hệ thống chưa nhận tin nhắn này. Anh/Chị vui lòng viết lại ngắn gọn hơn ạ.",
    retry: "Gửi lại",
    dismiss: "Ẩn thông báo",
    speak: "Đọc to",
    thumbUp: "Câu trả lời hữu ích",
    thumbDown: "Câu trả lời chưa hữu ích",
    feedbackLabel: "Đánh giá câu trả lời",
    feedbackThanks: "Cảm ơn Anh/Chị đã góp ý ạ.",
    feedbackError: "Chưa gửi được góp ý. Anh/Chị thử lại sau ạ.",
    surveyQuestion: "Anh/Chị có hài lòng với trợ lý không?",
    satisfied: "Hài lòng",
    unsatisfied: "Không hài lòng",
    commentLabel: "Góp ý thêm (không bắt buộc)",
    surveySend: "Gửi đánh giá",
    surveySkip: "Bỏ qua",
    surveySkipClose: "Đóng, không đánh giá",
    surveyNeedRating: "Anh/Chị vui lòng chọn “Hài lòng” hoặc “Không hài lòng” ạ.",
    surveyThanks: "Cảm ơn Anh/Chị đã đánh giá. Chúc Anh/Chị một ngày tốt lành!",
    surveyError: "Chưa gửi được đánh giá. Anh/Chị thử lại sau ạ.",
    privacyTitle: "Lưu ý về dữ liệu:",
    privacySession: "Nội dung trò chuyện được cơ quan vận hành trợ lý lưu lại để trả lời và cải thiện dịch vụ. Trình duyệt chỉ giữ cuộc trò chuyện trong thẻ (tab) này. Anh/Chị vui lòng không nhập số căn cước, mật khẩu hay thông tin ngân hàng; chỉ nhập 4 số cuối điện thoại khi trợ lý hỏi để tra cứu hồ sơ.",
    privacyLocal: "Nội dung trò chuyện được cơ quan vận hành trợ lý lưu lại để trả lời và cải thiện dịch vụ. Trình duyệt giữ cuộc trò chuyện trên máy này tối đa {days} ngày, hoặc đến khi Anh/Chị bấm “Bắt đầu lại”. Anh/Chị vui lòng không nhập số căn cước, mật khẩu hay thông tin ngân hàng; chỉ nhập 4 số cuối điện thoại khi trợ lý hỏi để tra cứu hồ sơ.",
    privacyLink: "Chính sách bảo vệ dữ liệu cá nhân",
    privacyHelper: "Nội dung trò chuyện được cơ quan vận hành trợ lý lưu lại để trả lời và cải thiện dịch vụ. Máy này không giữ lại cuộc trò chuyện: khi bấm “Người tiếp theo” hoặc khi không ai dùng một lúc, mọi nội dung trên máy được xoá hết. Anh/Chị vui lòng không nhập số căn cước, mật khẩu hay thông tin ngân hàng; chỉ nhập 4 số cuối điện thoại khi trợ lý hỏi để tra cứu hồ sơ.",
    checklist: "🖨 Mở danh sách giấy tờ để in",
    newWindow: "Mở trong cửa sổ mới",
    imageAlt: "Hình ảnh từ trợ lý",
    transcriptTitle: "Cuộc trò chuyện với Trợ lý Dịch vụ công",
    transcriptSaved: "Lưu lúc {time} ngày {date}",
    transcriptImage: "[Hình ảnh] {url}",
    downloaded: "Đã tải cuộc trò chuyện về máy.",
    nothingToSave: "Chưa có nội dung trò chuyện để tải hoặc in ạ.",
    quickHelp: "Hỏi về thủ tục",
    quickDossier: "Tra cứu hồ sơ",
    quickOfficer: "Gặp cán bộ",
  };

  // Rasa intents every story accepts.
  const GREET = "/greet";
  const RESTART = "/restart";

  // Timing (ms) and sizes.
  const CONNECT_TIMEOUT_MS = 6000; // no socket connection by then: use REST
  const MAX_CONNECT_ERRORS = 2; // consecutive connect_error before the first connection: use REST
  const TURN_END_MS = 1500; // quiet time after a bot message that ends a turn
  const NO_REPLY_MS = 20000; // no bot message by then: polite notice
  const REST_TIMEOUT_MS = 30000;
  const FEEDBACK_TIMEOUT_MS = 10000;
  const MAX_HISTORY = 200; // entries kept in storage
  const MAX_BOT_TEXT = 20000;
  const MAX_ANSWER_FEEDBACK = 2000;
  const MAX_COMMENT = 1000;
  const COUNTER_FROM = 0.8; // show the counter from 80 % of the limit on
  const CHECKLIST_PATH = "/webhooks/widget/checklist/";

  // ------------------------------------------------------------------ small helpers

  /** Log an unexpected error without ever breaking the host page. */
  function report(error) {
    try {
      if (window.console) console.error("[Trợ lý Dịch vụ công]", error);
    } catch (_) {
      /* nothing left to do */
    }
  }

  /** Wrap a handler so an exception is logged, never thrown to the page. */
  function guard(fn) {
    return function guarded() {
      try {
        return fn.apply(this, arguments);
      } catch (error) {
        report(error);
        return undefined;
      }
    };
  }

  /** addEventListener with a guarded handler. */
  function on(target, type, fn, options) {
    if (target && target.addEventListener) target.addEventListener(type, guard(fn), options || false);
  }

  /** Create an element. attrs: class, text, or any attribute (null/false skipped). */
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach((key) => {
      const value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = String(value);
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach((child) => {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  /** A visually hidden span for screen readers. */
  function srOnly(text) {
    return el("span", { class: "tldvc-sr", text: text });
  }

  // Icons: fixed SVG paths (24×24, stroked), so they show even where no emoji font exists.
  const ICONS = {
    chat: "M5 3h14a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H10l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z",
    close: "M6 6l12 12M18 6L6 18",
    restart: "M3 12a9 9 0 1 0 2.6-6.4M3 3v6h6",
    download: "M12 3v12M7 10l5 5 5-5M5 21h14",
    print: "M6 9V3h12v6M6 18H4a1 1 0 0 1-1-1v-6a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2v6a1 1 0 0 1-1 1h-2M6 14h12v7H6z",
    end: "M20 6L9 17l-5-5",
    speak: "M11 5L6 9H3v6h3l5 4zM15.5 8.5a5 5 0 0 1 0 7M18.5 5.5a9 9 0 0 1 0 13",
    up: "M7 10v11H3V10zM7 10l4-8a3 3 0 0 1 3 3v4h5.5a2 2 0 0 1 2 2.3l-1.4 7A2 2 0 0 1 18 21H7",
    down: "M17 14V3h4v11zM17 14l-4 8a3 3 0 0 1-3-3v-4H4.5a2 2 0 0 1-2-2.3l1.4-7A2 2 0 0 1 6 3h11",
    send: "M4 20l17-8L4 4l2 8zM6 12h7",
    textsize: "M2 19L7.5 5h1L14 19M4.3 14h7.4M15 19l3.5-9 3.5 9M16.2 16h4.6",
    mic: "M12 3a3 3 0 0 1 3 3v6a3 3 0 0 1-6 0V6a3 3 0 0 1 3-3zM5 11a7 7 0 0 0 14 0M12 18v3M8 21h8",
    next: "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21a7 7 0 0 1 14 0M19 8v6M16 11h6",
  };

  /** An inline SVG icon, hidden from screen readers (the button has the words). */
  function icon(name) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    [["viewBox", "0 0 24 24"], ["width", "1.25em"], ["height", "1.25em"], ["fill", "none"], ["stroke", "currentColor"], ["stroke-width", "2"], ["stroke-linecap", "round"], ["stroke-linejoin", "round"], ["aria-hidden", "true"], ["focusable", "false"], ["class", "tldvc-svg"]].forEach((a) => svg.setAttribute(a[0], a[1]));
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  /** Replace {name} placeholders. */
  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
  }

  /** 1000 -> "1.000" (Vietnamese digit grouping, independent of the browser's locale data). */
  function formatNumber(n) {
    return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function pad2(n) {
    return (n < 10 ? "0" : "") + n;
  }

  /** "14:05" in the citizen's local time. */
  function hhmm(date) {
    return pad2(date.getHours()) + ":" + pad2(date.getMinutes());
  }

  /** "03/11/2026". */
  function ddmmyyyy(date) {
    return pad2(date.getDate()) + "/" + pad2(date.getMonth() + 1) + "/" + date.getFullYear();
  }

  function parseDate(iso) {
    const date = new Date(iso);
    return isNaN(date.getTime()) ? new Date() : date;
  }

  /** A random id: crypto.randomUUID, else random hex. */
  function newId() {
    try {
      if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID().replace(/-/g, "");
      if (window.crypto && window.crypto.getRandomValues) {
        const bytes = new Uint8Array(16);
        window.crypto.getRandomValues(bytes);
        return Array.from(bytes, (b) => (b < 16 ? "0" : "") + b.toString(16)).join("");
      }
    } catch (_) {
      /* fall through */
    }
    return (Date.now().toString(16) + Math.random().toString(16).slice(2) + Math.random().toString(16).slice(2)).slice(0, 32);
  }

  /** Cut text to max UTF-16 units without leaving half of a surrogate pair. */
  function cutText(text, max) {
    let cut = text.slice(0, max);
    if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
    return cut;
  }

  /** A URL object when raw is an absolute http(s) URL, else null. */
  function httpUrl(raw) {
    if (typeof raw !== "string" || !raw) return null;
    try {
      const url = new URL(raw);
      return url.protocol === "http:" || url.protocol === "https:" ? url : null;
    } catch (_) {
      return null;
    }
  }

  // ------------------------------------------------------------------ config

  /** serverUrl from the config: an http(s) base URL without trailing slash, or null. */
  function cleanServerUrl(raw) {
    if (typeof raw !== "string" || !raw.trim() || raw.indexOf("{{") !== -1) return null;
    try {
      const url = new URL(raw.trim(), window.location.href);
      if (url.protocol !== "http:" && url.protocol !== "https:") return null;
      return (url.origin + url.pathname).replace(/\/+$/, "");
    } catch (_) {
      return null;
    }
  }

  /** Default server: where widget.js itself came from (keeps a sub-path such as /chatbot). */
  function scriptServerUrl() {
    try {
      if (SCRIPT && SCRIPT.src) {
        const url = new URL(SCRIPT.src, window.location.href);
        const match = url.pathname.match(/^(.*)\/webhooks\/widget\/widget\.js$/);
        return (url.origin + (match ? match[1] : "")).replace(/\/+$/, "");
      }
    } catch (_) {
      /* fall through */
    }
    return window.location.origin;
  }

  /** A button {title, payload} from any Rasa shape, or null. */
  function cleanButton(button) {
    if (!button || typeof button !== "object") return null;
    const title = typeof button.title === "string" ? button.title.trim().slice(0, 120) : "";
    const payload = typeof button.payload === "string" && button.payload.trim() ? button.payload.trim().slice(0, 1000) : title;
    return title ? { title: title, payload: payload } : null;
  }

  function buildConfig(host) {
    const strings = Object.assign({}, STRINGS);
    if (host.strings && typeof host.strings === "object") {
      Object.keys(host.strings).forEach((key) => {
        if (key in STRINGS && typeof host.strings[key] === "string") strings[key] = host.strings[key];
      });
    }
    const title = typeof host.title === "string" && host.title.trim() ? host.title.trim() : strings.title;
    const subtitle = typeof host.subtitle === "string" ? host.subtitle.trim() : strings.subtitle;
    const max = Number.isInteger(host.maxMessageLength) && host.maxMessageLength >= 20 ? Math.min(host.maxMessageLength, 10000) : 1000;
    const defaults = Array.isArray(host.defaultQuickReplies)
      ? host.defaultQuickReplies.map(cleanButton).filter(Boolean)
      : [
          { title: strings.quickHelp, payload: "/help" },
          { title: strings.quickDossier, payload: "/check_dossier_status" },
          { title: strings.quickOfficer, payload: "/human_handoff" },
        ];
    const retention = Number.isInteger(host.retentionDays) && host.retentionDays > 0 ? host.retentionDays : 7;
    const helper = helperOptions(host);
    const privacyUrl = httpUrl(host.privacyUrl);
    return {
      serverUrl: cleanServerUrl(host.serverUrl) || scriptServerUrl(),
      title: title,
      subtitle: subtitle,
      strings: strings,
      colors: host.colors && typeof host.colors === "object" ? host.colors : {},
      storage: host.storage === "local" ? "local" : "session",
      maxMessageLength: max,
      defaultQuickReplies: defaults,
      openOnLoad: host.openOnLoad === true || !!helper, // a team's tablet shows the chat at once
      retentionDays: retention,
      privacyUrl: privacyUrl ? privacyUrl.href : null,
      transport: host.transport === "rest" ? "rest" : "auto",
      helper: helper, // null, or {teamCode, idleMinutes}: the community digital team mode (helper-mode.js)
    };
  }

  /**
   * Helper mode for community digital teams on a shared tablet: the page option helperMode: true,
   * or the bookmark parameter ?tro-ly=ho-tro (team code: teamCode / &ma-to=...). Guide: docs/widget.md.
   */
  function helperOptions(host) {
    let params = null;
    try {
      params = new URLSearchParams(window.location.search);
    } catch (_) {
      params = null;
    }
    const fromUrl = !!params && params.get("tro-ly") === "ho-tro";
    if (host.helperMode !== true && !fromUrl) return null;
    const raw = typeof host.teamCode === "string" && host.teamCode.trim() ? host.teamCode : params && params.get("ma-to");
    const code = typeof raw === "string" ? raw.trim().toUpperCase() : "";
    const minutes = Number(host.idleMinutes);
    return {
      teamCode: /^[A-Z0-9][A-Z0-9_-]{0,31}$/.test(code) ? code : null,
      idleMinutes: Number.isInteger(minutes) && minutes >= 2 && minutes <= 60 ? minutes : 5,
    };
  }

  const CONFIG = buildConfig(HOST);
  const S = CONFIG.strings;

  // ------------------------------------------------------------------ storage

  /** JSON storage under "tldvc:" keys; falls back to memory when the browser refuses storage. */
  function makeStore(kind) {
    const prefix = "tldvc:";
    const memory = {};
    let area = null;
    try {
      if (kind === "memory") throw new Error("memory only");
      area = kind === "local" ? window.localStorage : window.sessionStorage;
      area.setItem(prefix + "test", "1");
      area.removeItem(prefix + "test");
    } catch (_) {
      area = null;
    }
    return {
      get(key, fallback) {
        try {
          const raw = key in memory ? memory[key] : area ? area.getItem(prefix + key) : null;
          return raw === null || raw === undefined ? fallback : JSON.parse(raw);
        } catch (_) {
          return fallback;
        }
      },
      set(key, value) {
        const raw = JSON.stringify(value);
        memory[key] = raw;
        try {
          if (area) area.setItem(prefix + key, raw);
        } catch (_) {
          /* quota or privacy mode: memory copy only */
        }
      },
      remove(key) {
        delete memory[key];
        try {
          if (area) area.removeItem(prefix + key);
        } catch (_) {
          /* ignore */
        }
      },
      /** Forget every "tldvc:" key, in memory and in both of the browser's storages. */
      clear() {
        Object.keys(memory).forEach((key) => delete memory[key]);
        [window.sessionStorage, window.localStorage].forEach((storage) => {
          try {
            Object.keys(storage)
              .filter((key) => key.indexOf(prefix) === 0)
              .forEach((key) => storage.removeItem(key));
          } catch (_) {
            /* storage refused: nothing was kept there */
          }
        });
      },
    };
  }

  // Helper mode (a shared tablet): memory only, so nothing about a citizen is left in the browser.
  const store = makeStore(CONFIG.helper ? "memory" : CONFIG.storage); // conversation: this tab (default) or this device
  const prefsStore = makeStore(CONFIG.helper ? "memory" : "local"); // display preferences: always this device

  // ------------------------------------------------------------------ state

  const state = {
    sessionId: null,
    history: [], // entries: {id, from: "bot"|"user", text?, image?, quick?, quickDefault?, time, turn, end?, rating?, pending?, failed?}
    queue: [], // messages not yet handed to the server: {id, message, entryId}
    turn: 0, // increases with every message sent; bot entries carry the turn they answer
    open: false,
    large: false,
    awaiting: false,
    greeted: false,
    survey: "", // "" | "offered" | "done"
    generation: 0, // bumped by "Bắt đầu lại": answers to older messages are dropped
  };
  const timers = { turn: 0, noReply: 0, status: 0 };
  const net = {
    transport: null, // "socketio" | "rest" once decided
    socket: null,
    started: false,
    everConnected: false,
    ready: false, // session confirmed on the current connection
    lost: false, // connection lost after having been connected
    errors: 0,
    fallbackTimer: 0,
    restBusy: false,
  };
  let ui = null; // DOM references, built on DOM ready
  const nodes = new Map(); // entry id -> message element

  /** Load session, history, queue and survey state from storage. */
  function loadState() {
    state.sessionId = typeof store.get("session") === "string" ? store.get("session") : null;
    const history = store.get("history", []);
    state.history = Array.isArray(history) ? history.map(sanitizeEntry).filter(Boolean) : [];
    const queue = store.get("queue", []);
    state.queue = Array.isArray(queue) ? queue.filter((q) => q && typeof q.message === "string") : [];
    state.survey = store.get("survey", "") === "done" || store.get("survey", "") === "offered" ? store.get("survey") : "";
    state.turn = state.history.reduce((max, e) => Math.max(max, Number(e.turn) || 0), 0);
    expireLocalHistory();
    const prefs = prefsStore.get("prefs", {});
    state.large = CONFIG.helper ? true : !!(prefs && prefs.large); // helper mode: large by default
  }

  /** A stored entry with only the fields and types the renderer expects (storage is not trusted). */
  function sanitizeEntry(raw) {
    if (!raw || typeof raw !== "object" || (raw.from !== "bot" && raw.from !== "user")) return null;
    const entry = { id: typeof raw.id === "string" && raw.id ? raw.id.slice(0, 64) : newId(), from: raw.from, time: parseDate(raw.time).toISOString(), turn: Number(raw.turn) || 0 };
    if (typeof raw.text === "string" && raw.text) entry.text = raw.text.slice(0, MAX_BOT_TEXT);
    if (httpUrl(raw.image)) entry.image = httpUrl(raw.image).href;
    const quick = Array.isArray(raw.quick) ? raw.quick.map(cleanButton).filter(Boolean) : [];
    if (quick.length) entry.quick = quick;
    if (quick.length && raw.quickDefault === true) entry.quickDefault = true;
    if (raw.end === true) entry.end = true;
    if (raw.rating === "up" || raw.rating === "down") entry.rating = raw.rating;
    if (raw.pending === true) entry.pending = true;
    if (raw.failed === true) entry.failed = true;
    return entry.text || entry.image || entry.quick ? entry : null;
  }

  /** With storage "local", forget a conversation idle for longer than retentionDays. */
  function expireLocalHistory() {
    if (CONFIG.storage !== "local" || !state.history.length) return;
    const last = parseDate(state.history[state.history.length - 1].time).getTime();
    if (Date.now() - last > CONFIG.retentionDays * 86400000) {
      clearConversation();
      state.sessionId = null;
      store.remove("session");
    }
  }

  function saveHistory() {
    if (state.history.length > MAX_HISTORY) state.history = state.history.slice(-MAX_HISTORY);
    store.set("history", state.history);
  }

  function saveQueue() {
    store.set("queue", state.queue);
  }

  function setSessionId(id) {
    state.sessionId = id;
    store.set("session", id);
  }

  /** REST needs an id we make ourselves. */
  function ensureSessionId() {
    if (!state.sessionId) setSessionId(newId());
    return state.sessionId;
  }

  function clearConversation() {
    state.history = [];
    state.queue = [];
    state.survey = "";
    store.remove("history");
    store.remove("queue");
    store.remove("survey");
  }

  function entryById(id) {
    return state.history.find((e) => e.id === id) || null;
  }

  // ------------------------------------------------------------------ rich text

  const URL_RE = /https?:\/\/[^\s<>"“”‘’]+/gi;
  const TRAILING_PUNCT = /[.,;:!?)\]}'»]+$/;
  const BULLET_RE = /^\s*[•\-*]\s+(.*)$/;

  function isChecklistUrl(url) {
    return url.pathname.indexOf(CHECKLIST_PATH) !== -1;
  }

  /** A safe link element for raw URL text, or null when it is not http(s). */
  function makeLink(raw) {
    const url = httpUrl(raw);
    if (!url) return null;
    const checklist = isChecklistUrl(url);
    const link = el("a", {
      class: checklist ? "tldvc-link tldvc-checklist" : "tldvc-link",
      href: url.href,
      target: "_blank",
      rel: "noopener noreferrer",
    });
    link.textContent = checklist ? S.checklist : raw;
    link.setAttribute("aria-describedby", "tldvc-newwin"); // "(mở trong cửa sổ mới)", said once in the panel
    return link;
  }

  /** Append text to parent, turning http(s) URLs into links. */
  function appendInline(parent, text) {
    let last = 0;
    text.replace(URL_RE, (match, offset) => {
      const trail = (match.match(TRAILING_PUNCT) || [""])[0];
      const raw = match.slice(0, match.length - trail.length);
      const link = makeLink(raw);
      if (!link) return match;
      if (offset > last) parent.appendChild(document.createTextNode(text.slice(last, offset)));
      parent.appendChild(link);
      last = offset + raw.length;
      return match;
    });
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /** Bot text: paragraphs (lines kept) and bullet lists ("•", "-", "*"), links made safe. */
  function renderRichText(container, text) {
    let paragraph = null;
    let list = null;
    String(text)
      .split(/\r?\n/)
      .forEach((line) => {
        const bullet = line.match(BULLET_RE);
        if (bullet) {
          paragraph = null;
          if (!list) list = container.appendChild(el("ul", { class: "tldvc-list" }));
          appendInline(list.appendChild(el("li")), bullet[1]);
        } else if (!line.trim()) {
          paragraph = null;
          list = null;
        } else {
          list = null;
          if (paragraph) paragraph.appendChild(el("br"));
          else paragraph = container.appendChild(el("p", { class: "tldvc-para" }));
          appendInline(paragraph, line);
        }
      });
  }

  // ------------------------------------------------------------------ speech (read aloud)

  const speech = { voice: null, entryId: null };

  function speechSupported() {
    return "speechSynthesis" in window && typeof window.SpeechSynthesisUtterance === "function";
  }

  /** Pick a Vietnamese voice; without one the 🔊 buttons are not rendered. */
  function pickVoice() {
    if (!speechSupported()) return;
    const voices = window.speechSynthesis.getVoices() || [];
    const voice = voices.find((v) => String(v.lang || "").toLowerCase().startsWith("vi")) || null;
    const changed = !!voice !== !!speech.voice;
    speech.voice = voice;
    if (changed && ui) refreshAllMeta();
  }

  /** Text to read: links and bullet marks read badly, so they are left out. */
  function speechText(entry) {
    return String(entry.text || "")
      .replace(URL_RE, "")
      .replace(/^\s*[•\-*]\s+/gm, "")
      .trim();
  }

  function stopSpeaking() {
    try {
      if (speechSupported()) window.speechSynthesis.cancel();
    } catch (_) {
      /* ignore */
    }
    speech.entryId = null;
    if (ui) ui.log.querySelectorAll(".tldvc-speak[aria-pressed='true']").forEach((b) => b.setAttribute("aria-pressed", "false"));
  }

  /** Read one bot message aloud; pressing again stops. */
  function toggleSpeak(entry, button) {
    const wasThis = speech.entryId === entry.id;
    stopSpeaking();
    if (wasThis || !speech.voice) return;
    const utterance = new window.SpeechSynthesisUtterance(speechText(entry));
    try {
      utterance.voice = speech.voice;
    } catch (_) {
      /* some engines only take their own voice objects: the language is enough */
    }
    utterance.lang = speech.voice.lang;
    utterance.rate = 0.95;
    const done = guard(() => {
      if (speech.entryId === entry.id) stopSpeaking();
    });
    utterance.onend = done;
    utterance.onerror = done;
    speech.entryId = entry.id;
    button.setAttribute("aria-pressed", "true");
    window.speechSynthesis.speak(utterance);
  }

  // ------------------------------------------------------------------ message rendering

  /** The element for one history entry. */
  function renderEntry(entry) {
    const isBot = entry.from === "bot";
    const node = el("div", { class: "tldvc-msg tldvc-msg--" + (isBot ? "bot" : "user"), "data-id": entry.id });
    node.appendChild(srOnly((isBot ? S.botName : S.userName) + ": "));
    if (entry.text || entry.image) {
      const bubble = node.appendChild(el("div", { class: "tldvc-bubble" }));
      if (entry.text) {
        const text = bubble.appendChild(el("div", { class: "tldvc-text" }));
        if (isBot) renderRichText(text, entry.text);
        else text.textContent = entry.text;
      }
      const src = entry.image ? httpUrl(entry.image) : null;
      if (src) bubble.appendChild(el("img", { class: "tldvc-image", src: src.href, alt: S.imageAlt, loading: "lazy", referrerpolicy: "no-referrer" }));
    }
    node.appendChild(el("div", { class: "tldvc-meta" }));
    fillMeta(node, entry);
    return node;
  }

  /** Time, send state, read-aloud and feedback controls under a message. */
  function fillMeta(node, entry) {
    const meta = node.querySelector(".tldvc-meta");
    if (!meta) return;
    const active = document.activeElement;
    const focusClass = active && meta.contains(active) ? active.classList[0] : null;
    meta.textContent = "";
    const date = parseDate(entry.time);
    meta.appendChild(el("time", { class: "tldvc-time", datetime: date.toISOString(), text: hhmm(date) }));
    if (entry.from === "user" && (entry.pending || entry.failed)) {
      meta.appendChild(el("span", { class: "tldvc-pending" + (entry.failed ? " tldvc-pending--failed" : ""), text: entry.failed ? S.failed : S.pending }));
    }
    if (entry.from === "bot" && entry.text && speech.voice) {
      const speak = el("button", { type: "button", class: "tldvc-speak tldvc-icon-btn", "aria-label": S.speak, title: S.speak, "aria-pressed": String(speech.entryId === entry.id) }, [
        icon("speak"),
      ]);
      on(speak, "click", () => toggleSpeak(entry, speak));
      meta.appendChild(speak);
    }
    if (entry.from === "bot" && entry.end) meta.appendChild(feedbackGroup(entry));
    if (focusClass) {
      const again = meta.querySelector("." + focusClass);
      if (again) again.focus();
    }
  }

  function refreshMeta(entry) {
    const node = nodes.get(entry.id);
    if (node) fillMeta(node, entry);
  }

  function refreshAllMeta() {
    state.history.forEach(refreshMeta);
  }

  /** 👍/👎 for the last message of a bot turn. */
  function feedbackGroup(entry) {
    const wrap = el("span", { class: "tldvc-feedback", role: "group", "aria-label": S.feedbackLabel });
    const up = el("button", { type: "button", class: "tldvc-thumb-up tldvc-icon-btn", "aria-label": S.thumbUp, title: S.thumbUp }, [icon("up")]);
    const down = el("button", { type: "button", class: "tldvc-thumb-down tldvc-icon-btn", "aria-label": S.thumbDown, title: S.thumbDown }, [icon("down")]);
    const message = el("span", { class: "tldvc-feedback-msg" });
    wrap.appendChild(up);
    wrap.appendChild(down);
    wrap.appendChild(message);
    paintFeedback(wrap, entry);
    if (entry.rating) message.textContent = S.feedbackThanks;
    on(up, "click", () => rateAnswer(entry, "up", wrap));
    on(down, "click", () => rateAnswer(entry, "down", wrap));
    return wrap;
  }

  /** Reflect the rating state on the buttons (in place, so focus stays put). */
  function paintFeedback(wrap, entry) {
    const locked = !!entry.rating;
    [
      [".tldvc-thumb-up", "up"],
      [".tldvc-thumb-down", "down"],
    ].forEach((pair) => {
      const button = wrap.querySelector(pair[0]);
      button.setAttribute("aria-pressed", String(entry.rating === pair[1]));
      if (locked) button.setAttribute("aria-disabled", "true");
      else button.removeAttribute("aria-disabled");
    });
  }

  /** The rated turn's text: every bot message of that turn. */
  function turnText(entry) {
    return state.history
      .filter((e) => e.from === "bot" && e.turn === entry.turn && e.text)
      .map((e) => e.text)
      .join("\n\n")
      .slice(0, MAX_ANSWER_FEEDBACK);
  }

  /** Send kind "answer" feedback once per turn. */
  function rateAnswer(entry, rating, wrap) {
    if (entry.rating) return;
    const message = wrap.querySelector(".tldvc-feedback-msg");
    entry.rating = rating;
    paintFeedback(wrap, entry);
    message.textContent = "";
    const body = { session_id: state.sessionId || ensureSessionId(), kind: "answer", rating: rating, answer: turnText(entry) || "(không có nội dung)" };
    postJson("/webhooks/widget/feedback", body, FEEDBACK_TIMEOUT_MS).then(
      guard((res) => {
        if (res.ok) {
          message.textContent = S.feedbackThanks;
          saveHistory();
        } else {
          entry.rating = null;
          saveHistory();
          paintFeedback(wrap, entry);
          message.textContent = serverError(res) || S.feedbackError;
        }
      })
    );
  }

  /** The Vietnamese error a 400 carries, if any. */
  function serverError(res) {
    return res && res.status >= 400 && res.status < 500 && res.data && typeof res.data.error === "string" ? res.data.error.slice(0, 300) : "";
  }

  /** Quick reply buttons of the latest bot turn (older ones disappear once the citizen answers). */
  function refreshQuick() {
    const last = state.history[state.history.length - 1];
    const owners = last && last.from === "bot" ? state.history.filter((e) => e.from === "bot" && e.turn === last.turn && e.quick && e.quick.length) : [];
    const signature = owners.map((e) => e.id + ":" + e.quick.length).join("|");
    if (signature === ui.quickSignature) return;
    ui.quickSignature = signature;
    const hadFocus = ui.log.contains(document.activeElement) && document.activeElement.closest(".tldvc-quick");
    ui.log.querySelectorAll(".tldvc-quick").forEach((n) => n.remove());
    owners.forEach((entry) => {
      const node = nodes.get(entry.id);
      if (node) node.appendChild(quickGroup(entry));
    });
    if (hadFocus && state.open) ui.input.focus();
  }

  function quickGroup(entry) {
    const group = el("div", { class: "tldvc-quick", role: "group", "aria-label": S.quickLabel });
    entry.quick.forEach((button) => {
      const b = group.appendChild(el("button", { type: "button", class: "tldvc-quick-btn", text: button.title }));
      on(b, "click", () => {
        sendMessage(button.payload, button.title);
        ui.input.focus();
      });
    });
    return group;
  }

  /** Add an entry to the history and the log. */
  function addEntry(entry) {
    entry.id = entry.id || newId();
    entry.time = entry.time || new Date().toISOString();
    state.history.push(entry);
    saveHistory();
    const node = renderEntry(entry);
    nodes.set(entry.id, node);
    ui.log.appendChild(node);
    trimLog();
    refreshQuick();
    if (entry.from === "bot" && !state.open) ui.badge.hidden = false;
    scrollForEntry(entry);
    return entry;
  }

  /** Keep the DOM in step with the capped history. */
  function trimLog() {
    const keep = new Set(state.history.map((e) => e.id));
    nodes.forEach((node, id) => {
      if (!keep.has(id)) {
        node.remove();
        nodes.delete(id);
      }
    });
  }

  /** Scroll down, but never past the start of the current bot turn (long answers read from the top). */
  function scrollForEntry(entry) {
    const body = ui.body;
    const bottom = body.scrollHeight;
    if (entry.from !== "bot") {
      body.scrollTop = bottom;
      return;
    }
    const first = state.history.find((e) => e.from === "bot" && e.turn === entry.turn);
    const node = first && nodes.get(first.id);
    if (!node) {
      body.scrollTop = bottom;
      return;
    }
    const top = node.getBoundingClientRect().top - body.getBoundingClientRect().top + body.scrollTop - 8;
    body.scrollTop = Math.min(bottom, Math.max(0, top));
  }

  function renderHistory() {
    ui.log.textContent = "";
    nodes.clear();
    ui.quickSignature = null;
    state.history.forEach((entry) => {
      const node = renderEntry(entry);
      nodes.set(entry.id, node);
      ui.log.appendChild(node);
    });
    refreshQuick();
  }

  // ------------------------------------------------------------------ turns

  /** Close the current bot turn: feedback on its last message, default buttons if it had none. */
  function finalizeTurn() {
    const last = state.history[state.history.length - 1];
    if (!last || last.from !== "bot") return;
    const turn = state.history.filter((e) => e.from === "bot" && e.turn === last.turn);
    turn.forEach((e) => {
      if (e !== last && e.end && !e.rating) {
        e.end = false;
        refreshMeta(e);
      }
      if (e !== last && e.quickDefault) {
        delete e.quick;
        delete e.quickDefault;
      }
    });
    const hasOwnButtons = turn.some((e) => e.quick && e.quick.length && !e.quickDefault);
    if (!hasOwnButtons && !last.quick && CONFIG.defaultQuickReplies.length) {
      last.quick = CONFIG.defaultQuickReplies.map((b) => ({ title: b.title, payload: b.payload }));
      last.quickDefault = true;
    }
    if (!last.end) {
      last.end = true;
      refreshMeta(last);
    }
    saveHistory();
    refreshQuick();
  }

  function startAwaiting() {
    state.awaiting = true;
    showTyping(true);
    clearTimeout(timers.turn);
    clearTimeout(timers.noReply);
    timers.noReply = setTimeout(guard(onNoReply), NO_REPLY_MS);
  }

  function stopAwaiting() {
    state.awaiting = false;
    clearTimeout(timers.turn);
    clearTimeout(timers.noReply);
    showTyping(false);
  }

  function endTurn() {
    stopAwaiting();
    finalizeTurn();
  }

  function onNoReply() {
    stopAwaiting();
    showNotice(S.noReply, { kind: "noreply" });
    finalizeTurn();
  }

  /** A bot message in socket.io or REST shape -> entry fields, or null when nothing to show. */
  function normalizeBot(data) {
    if (typeof data === "string") return data.trim() ? { from: "bot", text: data.slice(0, MAX_BOT_TEXT) } : null;
    if (!data || typeof data !== "object") return null;
    const entry = { from: "bot" };
    if (typeof data.text === "string" && data.text.trim()) entry.text = data.text.slice(0, MAX_BOT_TEXT);
    const buttons = Array.isArray(data.quick_replies) ? data.quick_replies : Array.isArray(data.buttons) ? data.buttons : [];
    const quick = buttons.map(cleanButton).filter(Boolean).slice(0, 12);
    if (quick.length) entry.quick = quick;
    const attachment = data.attachment && typeof data.attachment === "object" ? data.attachment : null;
    const src = attachment && attachment.type === "image" && attachment.payload ? attachment.payload.src : data.image;
    if (httpUrl(src)) entry.image = httpUrl(src).href;
    const custom = data.custom && typeof data.custom === "object" ? data.custom : null;
    if (!entry.text && !entry.image && custom && typeof custom.text === "string") entry.text = custom.text.slice(0, MAX_BOT_TEXT);
    return entry.text || entry.image || entry.quick ? entry : null;
  }

  /** One bot message arrived (socket.io event or one item of a REST answer). */
  function onBotMessage(data) {
    const entry = normalizeBot(data);
    clearTimeout(timers.noReply);
    if (entry) {
      entry.turn = state.turn;
      addEntry(entry);
      clearNotice(["noreply", "send", "queued"]);
    }
    if (entry && entry.quick) {
      endTurn(); // buttons close a turn
      return;
    }
    clearTimeout(timers.turn);
    timers.turn = setTimeout(guard(endTurn), TURN_END_MS);
  }

  // ------------------------------------------------------------------ sending

  /**
   * Send a message. display: the user bubble text (button title or typed text),
   * or null for silent messages such as /greet and /restart.
   */
  function sendMessage(message, display) {
    const text = String(message || "").trim();
    if (!text) return false;
    clearTimeout(timers.turn);
    finalizeTurn(); // the citizen spoke before the quiet time ended
    state.turn += 1;
    let entry = null;
    if (display !== null && display !== undefined) entry = addEntry({ from: "user", text: cutText(String(display), CONFIG.maxMessageLength), turn: state.turn });
    const item = { id: newId(), message: text, entryId: entry ? entry.id : null };
    state.queue.push(item);
    saveQueue();
    clearNotice(["noreply", "length"]);
    startTransport();
    flushQueue();
    if (!item.sent && entry) {
      entry.pending = true;
      saveHistory();
      refreshMeta(entry);
      if (net.lost || navigator.onLine === false) showNotice(S.queued, { kind: "queued" });
    }
    return true;
  }

  /** The server has the message: drop the "waiting" label. */
  function markSent(item) {
    item.sent = true;
    const entry = item.entryId ? entryById(item.entryId) : null;
    if (entry && (entry.pending || entry.failed)) {
      entry.pending = false;
      entry.failed = false;
      saveHistory();
      refreshMeta(entry);
    }
  }

  /** Hand queued messages to the server when it can take them. */
  function flushQueue() {
    if (!state.queue.length) return;
    if (net.transport === "rest") {
      restFlush();
      return;
    }
    const socket = net.socket;
    if (net.transport !== "socketio" || !net.ready || !socket || !socket.connected) return;
    while (state.queue.length) {
      const item = state.queue.shift();
      socket.emit("user_uttered", withHelperMarks({ message: item.message, session_id: state.sessionId }));
      markSent(item);
    }
    saveQueue();
    clearNotice(["queued"]);
    startAwaiting();
  }

  // ------------------------------------------------------------------ HTTP

  /** Helper mode: a message says so in its metadata (counted on the server, never identified). */
  function withHelperMarks(body) {
    if (!CONFIG.helper) return body;
    const marks = { helper_mode: true };
    if (CONFIG.helper.teamCode) marks.team_code = CONFIG.helper.teamCode;
    return Object.assign(body, { metadata: marks });
  }

  /** POST JSON to the bot server. Never rejects: resolves {ok, status, data}. */
  function postJson(path, body, timeoutMs) {
    const controller = typeof AbortController === "function" ? new AbortController() : null;
    const timer = setTimeout(() => {
      if (controller) controller.abort();
    }, timeoutMs);
    let status = 0;
    return Promise.resolve()
      .then(() =>
        fetch(CONFIG.serverUrl + path, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body),
          credentials: "omit",
          signal: controller ? controller.signal : undefined,
        })
      )
      .then((res) => {
        status = res.status;
        return res.text();
      })
      .then((raw) => {
        let data = null;
        try {
          data = raw ? JSON.parse(raw) : null;
        } catch (_) {
          data = null;
        }
        return { ok: status >= 200 && status < 300, status: status, data: data };
      })
      .catch(() => ({ ok: false, status: status, data: null }))
      .finally(() => clearTimeout(timer));
  }

  /** REST: send the first queued message, show the answer, go on with the next. */
  function restFlush() {
    if (net.restBusy || !state.queue.length) return;
    const item = state.queue[0];
    const generation = state.generation;
    net.restBusy = true;
    markSent(item);
    startAwaiting();
    postJson("/webhooks/rest/webhook", withHelperMarks({ sender: ensureSessionId(), message: item.message }), REST_TIMEOUT_MS).then(
      guard((res) => {
        net.restBusy = false;
        if (generation !== state.generation) {
          restFlush(); // the conversation was restarted meanwhile
          return;
        }
        if (res.ok && Array.isArray(res.data)) {
          dropQueued(item);
          markSent(item);
          clearNotice(["send", "queued"]);
          res.data.forEach((m) => onBotMessage(m));
          endTurn(); // REST answers a whole turn at once
          restFlush();
        } else if (res.status >= 400 && res.status < 500) {
          dropQueued(item); // the server refused this message: retrying would not help
          stopAwaiting();
          showNotice(serverError(res) || S.rejected, { kind: "send" });
          restFlush();
        } else {
          restFailed(item);
        }
      })
    );
  }

  function dropQueued(item) {
    const index = state.queue.indexOf(item);
    if (index !== -1) state.queue.splice(index, 1);
    saveQueue();
  }

  /** Keep the message queued, label it, offer "Gửi lại". */
  function restFailed(item) {
    stopAwaiting();
    item.sent = false;
    const entry = item.entryId ? entryById(item.entryId) : null;
    if (entry) {
      entry.failed = true;
      saveHistory();
      refreshMeta(entry);
    }
    showNotice(S.sendFailed, { kind: "send", retry: true });
  }

  // ------------------------------------------------------------------ socket.io

  /** Start the connection once (on first open, or at load when something waits to be sent). */
  function startTransport() {
    if (net.started) return;
    net.started = true;
    if (CONFIG.transport === "rest") {
      useRest();
      return;
    }
    net.fallbackTimer = setTimeout(
      guard(() => {
        if (!net.everConnected) useRest();
      }),
      CONNECT_TIMEOUT_MS
    );
    loadSocketIo(guard(connectSocket), guard(useRest));
  }

  /** Load the vendored socket.io client without disturbing the page's own window.io or AMD loader. */
  function loadSocketIo(done, fail) {
    const previousIo = window.io;
    const hadIo = "io" in window;
    const amd = typeof window.define === "function" && window.define.amd ? window.define : null;
    if (amd) window.define = undefined; // make the UMD bundle set window.io
    const restore = () => {
      if (amd) window.define = amd;
      const loaded = window.io;
      if (hadIo) window.io = previousIo;
      else {
        try {
          delete window.io;
        } catch (_) {
          window.io = undefined;
        }
      }
      return loaded;
    };
    const script = el("script", { src: CONFIG.serverUrl + "/webhooks/widget/socket.io.min.js", async: true, "data-tldvc": "socket.io" });
    script.onload = () => {
      script.remove(); // it has run; keep the page's DOM as the host left it
      const io = restore();
      if (typeof io === "function") done(io);
      else fail();
    };
    script.onerror = () => {
      script.remove();
      restore();
      fail();
    };
    (document.head || document.documentElement).appendChild(script);
  }

  function connectSocket(io) {
    if (net.transport === "rest") return; // already fell back
    const base = new URL(CONFIG.serverUrl);
    // Long polling first, then the upgrade to WebSocket (socket.io's default order): the first
    // request is plain HTTP, so proxies that break WebSocket still work and a blocked
    // /socket.io/ fails fast into the REST fallback.
    net.io = io; // helper mode: a new connection for the next person
    const socket = io(base.origin, {
      path: base.pathname.replace(/\/+$/, "") + "/socket.io",
      transports: ["polling", "websocket"],
    });
    net.socket = socket;
    socket.on("connect", guard(onConnect));
    socket.on("session_confirm", guard(onSessionConfirm));
    socket.on("connect_error", guard(onConnectError));
    socket.on("disconnect", guard(onDisconnect));
    socket.on("bot_uttered", guard(onBotMessage));
  }

  /** Every (re)connect: ask for our session again, with the same id. */
  function onConnect() {
    const reconnected = net.lost;
    net.everConnected = true;
    net.errors = 0;
    net.lost = false;
    clearTimeout(net.fallbackTimer);
    net.transport = "socketio";
    net.socket.emit("session_request", { session_id: state.sessionId || null });
    if (reconnected) setStatus(S.reconnected, 5000);
  }

  function onSessionConfirm(data) {
    const id = typeof data === "string" ? data : data && typeof data.session_id === "string" ? data.session_id : null;
    if (id) setSessionId(id.slice(0, 128));
    net.ready = !!state.sessionId;
    flushQueue();
  }

  function onConnectError() {
    if (!net.everConnected) {
      net.errors += 1;
      if (net.errors >= MAX_CONNECT_ERRORS) useRest();
    } else {
      showOffline();
    }
  }

  function onDisconnect(reason) {
    net.ready = false;
    if (reason === "io client disconnect" || net.transport !== "socketio") return;
    showOffline();
    if (reason === "io server disconnect") {
      // the server closed us on purpose: socket.io does not retry by itself
      setTimeout(
        guard(() => {
          if (net.socket && !net.socket.connected) net.socket.connect();
        }),
        2000
      );
    }
  }

  function showOffline() {
    net.lost = true;
    if (state.awaiting) stopAwaiting(); // the answer may be lost with the connection
    setStatus(S.offline);
  }

  /** Switch to the REST webhook for good (socket.io unavailable or blocked). */
  function useRest() {
    if (net.transport === "rest") return;
    clearTimeout(net.fallbackTimer);
    const socket = net.socket;
    net.socket = null;
    net.ready = false;
    if (socket) {
      try {
        socket.off();
        socket.close();
      } catch (_) {
        /* ignore */
      }
    }
    net.transport = "rest";
    ensureSessionId();
    if (net.lost) setStatus("");
    net.lost = false;
    flushQueue();
  }

  /** Browser says the network is gone / back. */
  function onBrowserOffline() {
    if (net.transport === "socketio" && net.socket && net.socket.connected) {
      try {
        net.socket.io.engine.close(); // socket.io then reconnects by itself
      } catch (_) {
        /* ignore */
      }
    }
    showOffline();
  }

  function onBrowserOnline() {
    if (net.transport === "rest") {
      if (net.lost) setStatus(S.reconnected, 5000);
      net.lost = false;
      state.history.forEach((e) => {
        if (e.failed) {
          e.failed = false;
          e.pending = true;
          refreshMeta(e);
        }
      });
      flushQueue();
    }
  }

  // ------------------------------------------------------------------ status, notices, typing

  /** Connection status line (role="status"); empty text hides it. */
  function setStatus(text, clearAfterMs) {
    clearTimeout(timers.status);
    ui.status.textContent = text || "";
    if (text && clearAfterMs) timers.status = setTimeout(guard(() => setStatus("")), clearAfterMs);
  }

  /** One notice at a time (role="alert"), optionally with a "Gửi lại" button. */
  function showNotice(text, opts) {
    const options = opts || {};
    ui.notice.textContent = "";
    ui.notice.setAttribute("data-kind", options.kind || "");
    ui.notice.appendChild(el("span", { class: "tldvc-notice-text", text: text }));
    if (options.retry) {
      const retry = ui.notice.appendChild(el("button", { type: "button", class: "tldvc-retry tldvc-btn", text: S.retry }));
      on(retry, "click", () => {
        clearNotice();
        onBrowserOnline();
        flushQueue();
      });
    }
    const dismiss = ui.notice.appendChild(el("button", { type: "button", class: "tldvc-dismiss tldvc-icon-btn", "aria-label": S.dismiss, title: S.dismiss }, [icon("close")]));
    on(dismiss, "click", () => {
      clearNotice();
      ui.input.focus();
    });
  }

  /** Clear the notice (only of the given kinds, when given). */
  function clearNotice(kinds) {
    if (kinds && kinds.indexOf(ui.notice.getAttribute("data-kind")) === -1) return;
    ui.notice.textContent = "";
    ui.notice.setAttribute("data-kind", "");
  }

  function showTyping(visible) {
    ui.typing.textContent = "";
    if (!visible) return;
    ui.typing.appendChild(el("span", { class: "tldvc-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]));
    ui.typing.appendChild(el("span", { class: "tldvc-typing-text", text: S.typing }));
    ui.body.scrollTop = ui.body.scrollHeight;
  }

  // ------------------------------------------------------------------ input

  /** Cut over-long input at once and say so, before anything is sent. */
  function onInput() {
    const value = ui.input.value;
    if (value.length > CONFIG.maxMessageLength) {
      ui.input.value = cutText(value, CONFIG.maxMessageLength);
      showNotice(fill(S.tooLong, { max: formatNumber(CONFIG.maxMessageLength) }), { kind: "length" });
    }
    updateCounter();
    autoGrow();
  }

  function updateCounter() {
    const length = ui.input.value.length;
    const max = CONFIG.maxMessageLength;
    const near = length >= Math.floor(max * COUNTER_FROM);
    ui.counter.textContent = near ? fill(S.counter, { n: formatNumber(length), max: formatNumber(max) }) : "";
    ui.counter.classList.toggle("tldvc-counter--full", length >= max);
  }

  function autoGrow() {
    const input = ui.input;
    input.style.height = "auto";
    const lineHeight = parseFloat(window.getComputedStyle(input).lineHeight) || 24;
    input.style.height = Math.min(input.scrollHeight + 2, lineHeight * 6) + "px";
  }

  function onKeyDown(event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      submitInput();
    }
  }

  function submitInput() {
    const value = ui.input.value;
    if (value.length > CONFIG.maxMessageLength) {
      onInput(); // cut and explain; the citizen reviews before sending
      return;
    }
    const text = value.trim();
    if (!text) {
      ui.input.focus();
      return;
    }
    ui.input.value = "";
    updateCounter();
    autoGrow();
    sendMessage(text, text);
    ui.input.focus();
  }

  // ------------------------------------------------------------------ panel

  function openPanel(opts) {
    const options = opts || {};
    if (!state.open) {
      state.open = true;
      ui.panel.hidden = false;
      ui.panel.setAttribute("aria-modal", String(isFullScreen()));
      ui.root.classList.add("tldvc-open");
      ui.launcher.setAttribute("aria-expanded", "true");
      ui.badge.hidden = true;
      store.set("open", true);
      startTransport();
      greetIfNeeded();
      trackViewport();
      ui.body.scrollTop = ui.body.scrollHeight;
    }
    if (options.focus) ui.input.focus();
  }

  function closePanel(opts) {
    const options = opts || {};
    if (state.open) {
      state.open = false;
      ui.panel.hidden = true;
      ui.root.classList.remove("tldvc-open");
      ui.launcher.setAttribute("aria-expanded", "false");
      store.set("open", false);
      stopSpeaking();
      hideConfirm();
    }
    if (options.focusLauncher) ui.launcher.focus();
  }

  /** Close button / launcher: offer the satisfaction survey once after a real exchange. */
  function requestClose() {
    if (shouldOfferSurvey()) {
      state.survey = "offered";
      store.set("survey", "offered");
      showSurvey("close");
      return;
    }
    closePanel({ focusLauncher: true });
  }

  function shouldOfferSurvey() {
    if (state.survey) return false;
    const firstUser = state.history.findIndex((e) => e.from === "user");
    return firstUser !== -1 && state.history.slice(firstUser).some((e) => e.from === "bot");
  }

  /** On the first open of an empty conversation, ask for the greeting without a user bubble. */
  function greetIfNeeded() {
    if (state.history.length || state.greeted || state.queue.some((q) => q.message === GREET)) return;
    state.greeted = true;
    sendMessage(GREET, null);
  }

  /** On phones the panel follows the visible viewport, so the keyboard never hides the input. */
  function trackViewport() {
    const vv = window.visualViewport;
    if (!vv || ui.viewportTracked) return;
    ui.viewportTracked = true;
    const update = guard(() => {
      ui.root.style.setProperty("--tldvc-vvh", Math.round(vv.height) + "px");
      ui.root.style.setProperty("--tldvc-vvtop", Math.round(vv.offsetTop) + "px");
      ui.root.setAttribute("data-tldvc-vv", "");
    });
    vv.addEventListener("resize", update);
    vv.addEventListener("scroll", update);
    update();
  }

  /** Phones: the panel covers the whole page, so it acts as a modal dialog. */
  function isFullScreen() {
    return !!(window.matchMedia && window.matchMedia("(max-width: 479.98px)").matches);
  }

  /** While full screen, Tab and Shift+Tab cycle inside the panel instead of the hidden page. */
  function wrapFocus(event) {
    if (!isFullScreen()) return;
    const focusable = Array.from(ui.panel.querySelectorAll("button, textarea, a[href], [tabindex='0']")).filter((n) => !n.disabled && n.getClientRects().length);
    if (!focusable.length) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  function setLarge(large, save) {
    state.large = large;
    ui.root.classList.toggle("tldvc-large-mode", large);
    ui.large.setAttribute("aria-pressed", String(large));
    if (save) prefsStore.set("prefs", { large: large });
    autoGrow();
  }

  // ------------------------------------------------------------------ restart

  function showConfirm() {
    ui.confirm.hidden = false;
    ui.confirmYes.focus();
  }

  function hideConfirm() {
    if (ui && !ui.confirm.hidden) ui.confirm.hidden = true;
  }

  /** Restart: /restart to Rasa, clear the stored history, greet again. */
  function restart() {
    hideConfirm();
    stopSpeaking();
    stopAwaiting();
    clearTimeout(timers.turn);
    state.generation += 1;
    clearConversation();
    renderHistory();
    hideSurvey();
    clearNotice();
    state.greeted = true;
    sendMessage(RESTART, null);
    sendMessage(GREET, null);
    setStatus(S.restarted, 4000);
    ui.input.focus();
  }

  // ------------------------------------------------------------------ helper mode (helper-mode.js)

  /**
   * Next person: end this conversation on the server (/restart), forget it on the device (storage,
   * DOM, session id, socket) and start a new one with a new session id and a fresh greeting.
   * Returns the old session id (for the anonymous count, never stored) and the citizen's message count.
   */
  function startFresh() {
    const ended = { sessionId: state.sessionId, questions: state.history.filter((e) => e.from === "user").length };
    stopSpeaking();
    stopAwaiting();
    hideConfirm();
    hideSurvey();
    clearNotice();
    setStatus("");
    state.generation += 1;
    if (ended.sessionId) endOnServer(ended.sessionId);
    clearConversation();
    store.clear();
    prefsStore.clear();
    state.sessionId = null;
    state.turn = 0;
    state.greeted = false;
    ui.input.value = "";
    updateCounter();
    autoGrow();
    ui.printHeader.textContent = "";
    renderHistory();
    newConnection();
    if (state.open) greetIfNeeded();
    return ended;
  }

  /** /restart for the old session: over the socket while it is up, else over REST. */
  function endOnServer(sessionId) {
    const message = withHelperMarks({ message: RESTART, session_id: sessionId });
    if (net.transport === "socketio" && net.socket && net.socket.connected) net.socket.emit("user_uttered", message);
    else if (net.started) postJson("/webhooks/rest/webhook", withHelperMarks({ sender: sessionId, message: RESTART }), REST_TIMEOUT_MS);
  }

  /** A new socket (its own server-side rooms) asking for a new session; REST: a new id. */
  function newConnection() {
    if (net.transport === "rest") {
      ensureSessionId();
      return;
    }
    const socket = net.socket;
    if (!socket || !net.io) return; // not connected yet: the first connection asks for a new session
    net.socket = null;
    net.ready = false;
    socket.off();
    socket.disconnect(); // after the /restart above: packets leave in order
    connectSocket(net.io);
  }

  /** Load helper-mode.js (served beside this file) and hand it the few hooks it needs. */
  function loadHelperMode() {
    store.clear(); // what a public visit left on this tablet goes too
    prefsStore.clear();
    const install = guard(() => {
      const mode = window.TroLyDichVuCongHelperMode;
      if (mode && typeof mode.install === "function") mode.install(helperHooks());
    });
    if (window.TroLyDichVuCongHelperMode) {
      install();
      return;
    }
    const script = el("script", { src: CONFIG.serverUrl + "/webhooks/widget/helper-mode.js", async: true, "data-tldvc": "helper-mode" });
    script.onload = () => {
      script.remove();
      install();
    };
    script.onerror = () => {
      script.remove();
      report("helper-mode.js could not be loaded");
    };
    (document.head || document.documentElement).appendChild(script);
  }

  function helperHooks() {
    return Object.freeze({
      config: CONFIG.helper,
      hostStrings: HOST.strings && typeof HOST.strings === "object" ? HOST.strings : {},
      ui: ui,
      el: el,
      icon: icon,
      on: on,
      guard: guard,
      startFresh: startFresh,
      postJson: postJson,
      setStatus: setStatus,
      inputChanged: onInput,
      open: () => openPanel({ focus: false }),
      isOpen: () => state.open,
      hasConversation: () => state.history.some((e) => e.from === "user"),
    });
  }

  // ------------------------------------------------------------------ satisfaction survey

  function buildSurvey() {
    const survey = el("div", { class: "tldvc-survey", role: "group", "aria-labelledby": "tldvc-survey-q", hidden: true });
    survey.appendChild(el("p", { id: "tldvc-survey-q", class: "tldvc-survey-q", text: S.surveyQuestion, tabindex: "-1" }));
    const choices = survey.appendChild(el("div", { class: "tldvc-survey-choices" }));
    const yes = choices.appendChild(el("button", { type: "button", class: "tldvc-satisfied tldvc-btn", "aria-pressed": "false" }, [S.satisfied]));
    const no = choices.appendChild(el("button", { type: "button", class: "tldvc-unsatisfied tldvc-btn", "aria-pressed": "false" }, [S.unsatisfied]));
    survey.appendChild(el("label", { class: "tldvc-label", for: "tldvc-comment", text: S.commentLabel }));
    const comment = survey.appendChild(el("textarea", { id: "tldvc-comment", class: "tldvc-comment", rows: "3", maxlength: String(MAX_COMMENT) }));
    const actions = survey.appendChild(el("div", { class: "tldvc-survey-actions" }));
    const send = actions.appendChild(el("button", { type: "button", class: "tldvc-survey-send tldvc-btn tldvc-btn--primary", text: S.surveySend }));
    const skip = actions.appendChild(el("button", { type: "button", class: "tldvc-survey-skip tldvc-btn", text: S.surveySkip }));
    const message = survey.appendChild(el("p", { class: "tldvc-survey-msg", role: "status" }));
    const pick = (rating) => {
      survey.setAttribute("data-rating", rating);
      yes.setAttribute("aria-pressed", String(rating === "satisfied"));
      no.setAttribute("aria-pressed", String(rating === "unsatisfied"));
      message.textContent = "";
    };
    on(yes, "click", () => pick("satisfied"));
    on(no, "click", () => pick("unsatisfied"));
    on(send, "click", () => sendSurvey());
    on(skip, "click", () => {
      const closing = survey.getAttribute("data-origin") === "close";
      hideSurvey();
      if (closing) closePanel({ focusLauncher: true });
      else ui.input.focus();
    });
    return { survey, yes, no, comment, send, skip, message, choices, actions };
  }

  /** origin: "end" (Kết thúc trò chuyện) or "close" (offered when closing). */
  function showSurvey(origin) {
    const s = ui.survey;
    s.survey.hidden = false;
    s.survey.setAttribute("data-origin", origin);
    s.survey.removeAttribute("data-rating");
    s.yes.setAttribute("aria-pressed", "false");
    s.no.setAttribute("aria-pressed", "false");
    s.comment.value = "";
    s.message.textContent = "";
    [s.choices, s.actions, s.comment, s.comment.previousSibling].forEach((n) => (n.hidden = false));
    s.send.disabled = false;
    s.skip.textContent = origin === "close" ? S.surveySkipClose : S.surveySkip;
    s.survey.scrollIntoView({ block: "nearest" });
    s.yes.focus();
  }

  function hideSurvey() {
    if (ui && ui.survey) ui.survey.survey.hidden = true;
  }

  function sendSurvey() {
    const s = ui.survey;
    const rating = s.survey.getAttribute("data-rating");
    if (rating !== "satisfied" && rating !== "unsatisfied") {
      s.message.textContent = S.surveyNeedRating;
      s.yes.focus();
      return;
    }
    const body = { session_id: state.sessionId || ensureSessionId(), kind: "session", rating: rating };
    const comment = s.comment.value.trim().slice(0, MAX_COMMENT);
    if (comment) body.comment = comment;
    s.send.disabled = true;
    postJson("/webhooks/widget/feedback", body, FEEDBACK_TIMEOUT_MS).then(
      guard((res) => {
        s.send.disabled = false;
        if (!res.ok) {
          s.message.textContent = serverError(res) || S.surveyError;
          return;
        }
        state.survey = "done";
        store.set("survey", "done");
        [s.choices, s.actions, s.comment, s.comment.previousSibling].forEach((n) => (n.hidden = true));
        s.message.textContent = S.surveyThanks;
        s.survey.querySelector(".tldvc-survey-q").focus();
      })
    );
  }

  // ------------------------------------------------------------------ download and print

  /** The conversation as plain text lines "HH:MM Anh/Chị: …" / "HH:MM Trợ lý: …". */
  function transcript() {
    const now = new Date();
    const lines = [S.transcriptTitle, fill(S.transcriptSaved, { time: hhmm(now), date: ddmmyyyy(now) }), ""];
    state.history.forEach((entry) => {
      const who = entry.from === "bot" ? S.botName : S.userName;
      const parts = [];
      if (entry.text) parts.push(entry.text);
      if (entry.image) parts.push(fill(S.transcriptImage, { url: entry.image }));
      const body = parts.join("\n").split(/\r?\n/);
      const head = hhmm(parseDate(entry.time)) + " " + who + ": ";
      lines.push(head + body[0]);
      body.slice(1).forEach((line) => lines.push(line ? "      " + line : ""));
    });
    return lines.join("\n") + "\n";
  }

  function downloadTranscript() {
    if (!state.history.length) {
      setStatus(S.nothingToSave, 4000);
      return;
    }
    const now = new Date();
    const stamp = now.getFullYear() + pad2(now.getMonth() + 1) + pad2(now.getDate()) + "-" + pad2(now.getHours()) + pad2(now.getMinutes());
    const blob = new Blob([transcript()], { type: "text/plain;charset=utf-8" });
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: "tro-ly-dich-vu-cong-" + stamp + ".txt", class: "tldvc-sr" });
    ui.root.appendChild(link);
    link.click();
    setTimeout(
      guard(() => {
        link.remove();
        URL.revokeObjectURL(url);
      }),
      1000
    );
    setStatus(S.downloaded, 4000);
  }

  /** Print only the transcript: a class on <html> switches the print CSS on. */
  function printTranscript() {
    if (!state.history.length) {
      setStatus(S.nothingToSave, 4000);
      return;
    }
    const now = new Date();
    ui.printHeader.textContent = "";
    ui.printHeader.appendChild(el("strong", { text: S.transcriptTitle }));
    ui.printHeader.appendChild(el("span", { text: " — " + fill(S.transcriptSaved, { time: hhmm(now), date: ddmmyyyy(now) }) }));
    document.documentElement.classList.add("tldvc-printing");
    window.print();
  }

  // ------------------------------------------------------------------ building the UI

  function toolButton(cls, iconName, label) {
    return el("button", { type: "button", class: cls + " tldvc-tool tldvc-btn" }, [icon(iconName), el("span", { text: label })]);
  }

  function buildPrivacy() {
    const text = CONFIG.helper ? S.privacyHelper : CONFIG.storage === "local" ? fill(S.privacyLocal, { days: CONFIG.retentionDays }) : S.privacySession;
    const box = el("div", { class: "tldvc-privacy" }, [el("strong", { text: S.privacyTitle }), " " + text]);
    if (CONFIG.privacyUrl) {
      box.appendChild(document.createTextNode(" "));
      box.appendChild(el("a", { class: "tldvc-link", href: CONFIG.privacyUrl, target: "_blank", rel: "noopener noreferrer", "aria-describedby": "tldvc-newwin", text: S.privacyLink }));
    }
    return box;
  }

  /** Custom colours become CSS variables (normal mode only; large mode uses its own high-contrast set). */
  function applyColors(root) {
    const names = { primary: "primary", primaryText: "primary-text", background: "bg", text: "text", botBubble: "bot-bg", botText: "bot-text", userBubble: "user-bg", userText: "user-text", link: "link", muted: "muted", border: "border" };
    Object.keys(names).forEach((key) => {
      const value = CONFIG.colors[key];
      if (typeof value === "string" && window.CSS && CSS.supports && CSS.supports("color", value)) root.style.setProperty("--tldvc-c-" + names[key], value);
    });
  }

  function buildUi() {
    const root = el("div", { id: "tldvc-root", class: "tldvc-root", lang: "vi", "data-version": VERSION, style: "visibility:hidden" });
    applyColors(root);
    const badge = el("span", { class: "tldvc-badge", "aria-hidden": "true", hidden: true });
    const launcher = el("button", { type: "button", class: "tldvc-launcher", "aria-label": S.launcherLabel, "aria-expanded": "false", "aria-controls": "tldvc-panel" }, [
      icon("chat"),
      el("span", { class: "tldvc-launcher-text", text: S.launcherText }),
      badge,
    ]);
    const panel = el("div", { id: "tldvc-panel", class: "tldvc-panel", role: "dialog", "aria-label": CONFIG.title, "aria-modal": "false", hidden: true });

    // header: title, large-text toggle, close
    const large = el("button", { type: "button", class: "tldvc-large tldvc-btn tldvc-btn--header", "aria-label": S.large, "aria-pressed": "false", title: S.large }, [icon("textsize"), el("span", { text: S.largeShort })]);
    const close = el("button", { type: "button", class: "tldvc-close tldvc-icon-btn tldvc-btn--header", "aria-label": S.close, title: S.close }, [icon("close")]);
    const heading = el("div", { class: "tldvc-heading" }, [el("h2", { class: "tldvc-title", text: CONFIG.title }), CONFIG.subtitle ? el("p", { class: "tldvc-subtitle", text: CONFIG.subtitle }) : null]);
    panel.appendChild(el("div", { class: "tldvc-header" }, [heading, large, close]));

    // toolbar: always visible, wraps
    const restartBtn = toolButton("tldvc-restart", "restart", S.restart);
    const download = toolButton("tldvc-download", "download", S.download);
    const print = toolButton("tldvc-print", "print", S.print);
    const end = toolButton("tldvc-end", "end", S.end);
    const toolbar = panel.appendChild(el("div", { class: "tldvc-toolbar", role: "group", "aria-label": S.toolsLabel }, [restartBtn, download, print, end]));

    // restart confirmation
    const confirmYes = el("button", { type: "button", class: "tldvc-confirm-yes tldvc-btn tldvc-btn--primary", text: S.restartYes });
    const confirmNo = el("button", { type: "button", class: "tldvc-confirm-no tldvc-btn", text: S.restartNo });
    const confirm = el("div", { class: "tldvc-confirm", role: "group", "aria-labelledby": "tldvc-confirm-q", hidden: true }, [
      el("p", { id: "tldvc-confirm-q", text: S.restartConfirm }),
      el("div", { class: "tldvc-confirm-actions" }, [confirmYes, confirmNo]),
    ]);
    panel.appendChild(confirm);

    const status = panel.appendChild(el("div", { class: "tldvc-status", role: "status" }));
    const printHeader = el("div", { class: "tldvc-print-header" });
    const log = el("div", { class: "tldvc-log", role: "log", "aria-live": "polite", "aria-label": S.logLabel });
    const survey = buildSurvey();
    const body = panel.appendChild(el("div", { class: "tldvc-body", role: "region", "aria-label": S.conversationLabel, tabindex: "0" }, [printHeader, buildPrivacy(), log, survey.survey]));
    const typing = panel.appendChild(el("div", { class: "tldvc-typing", role: "status" }));
    const notice = panel.appendChild(el("div", { class: "tldvc-notice", role: "alert" }));

    // input form
    const input = el("textarea", { id: "tldvc-input", class: "tldvc-input", rows: "2", placeholder: S.placeholder, "aria-describedby": "tldvc-counter", autocomplete: "off", spellcheck: "true" });
    const send = el("button", { type: "submit", class: "tldvc-send tldvc-btn tldvc-btn--primary", "aria-label": S.send }, [icon("send"), el("span", { text: S.send })]);
    const counter = el("div", { id: "tldvc-counter", class: "tldvc-counter" });
    const form = el("form", { class: "tldvc-form", novalidate: true }, [el("label", { class: "tldvc-sr", for: "tldvc-input", text: S.inputLabel }), el("div", { class: "tldvc-input-row" }, [input, send]), counter]);
    panel.appendChild(form);

    panel.appendChild(el("span", { id: "tldvc-newwin", class: "tldvc-sr", text: S.newWindow.trim() }));
    root.appendChild(launcher);
    root.appendChild(panel);
    return { root, launcher, badge, panel, toolbar, large, close, restart: restartBtn, download, print, end, confirm, confirmYes, confirmNo, status, printHeader, log, survey, body, typing, notice, input, send, counter, form, quickSignature: null, viewportTracked: false };
  }

  function wireUi() {
    on(ui.launcher, "click", () => (state.open ? requestClose() : openPanel({ focus: true })));
    on(ui.close, "click", requestClose);
    on(ui.large, "click", () => setLarge(!state.large, true));
    on(ui.restart, "click", showConfirm);
    on(ui.confirmYes, "click", restart);
    on(ui.confirmNo, "click", () => {
      hideConfirm();
      ui.restart.focus();
    });
    on(ui.download, "click", downloadTranscript);
    on(ui.print, "click", printTranscript);
    on(ui.end, "click", () => showSurvey("end"));
    on(ui.form, "submit", (event) => {
      event.preventDefault();
      submitInput();
    });
    on(ui.input, "input", onInput);
    on(ui.input, "keydown", onKeyDown);
    on(ui.panel, "keydown", (event) => {
      if (event.key === "Escape" && !event.isComposing) {
        event.preventDefault();
        closePanel({ focusLauncher: true });
      } else if (event.key === "Tab") {
        wrapFocus(event);
      }
    });
    on(window, "offline", onBrowserOffline);
    on(window, "online", onBrowserOnline);
    on(window, "afterprint", () => document.documentElement.classList.remove("tldvc-printing"));
    if (speechSupported()) {
      on(window.speechSynthesis, "voiceschanged", pickVoice);
      pickVoice();
    }
  }

  /** Load widget.css once; show the widget when it arrived (or failed, or after 3 s). */
  function loadCss(root) {
    const reveal = guard(() => root.style.removeProperty("visibility"));
    const href = CONFIG.serverUrl + "/webhooks/widget/widget.css";
    if (document.querySelector("link[data-tldvc]")) {
      reveal();
      return;
    }
    const link = el("link", { rel: "stylesheet", href: href, "data-tldvc": "css" });
    link.onload = reveal;
    link.onerror = reveal;
    setTimeout(reveal, 3000);
    (document.head || document.documentElement).appendChild(link);
  }

  // ------------------------------------------------------------------ debug API

  /** Read-only handle for host pages and tests: window.TroLyDichVuCong.widget. */
  function exposeApi() {
    const api = {};
    Object.defineProperties(api, {
      version: { value: VERSION, enumerable: true },
      transport: { get: () => net.transport, enumerable: true },
      sessionId: { get: () => state.sessionId, enumerable: true },
      socket: { get: () => net.socket, enumerable: true },
      connected: { get: () => (net.transport === "rest" ? !net.lost : !!(net.socket && net.socket.connected && net.ready)), enumerable: true },
      serverUrl: { value: CONFIG.serverUrl, enumerable: true },
      open: { value: guard(() => ui && openPanel({ focus: true })) },
      close: { value: guard(() => ui && closePanel({ focusLauncher: false })) },
      ask: {
        // ask(text) sends text and shows it; ask("/intent", "Button title") shows the title instead
        value: guard((text, label) => {
          if (!ui || typeof text !== "string" || !text.trim()) return false;
          openPanel({ focus: true });
          const question = cutText(text.trim(), CONFIG.maxMessageLength);
          return sendMessage(question, typeof label === "string" && label.trim() ? label.trim() : question);
        }),
      },
    });
    Object.freeze(api);
    try {
      Object.defineProperty(HOST, "widget", { value: api, enumerable: false, configurable: false, writable: false });
    } catch (_) {
      HOST.widget = api;
    }
  }

  // ------------------------------------------------------------------ start

  function init() {
    if (document.getElementById("tldvc-root")) return;
    loadState();
    ui = buildUi();
    loadCss(ui.root);
    document.body.appendChild(ui.root);
    wireUi();
    setLarge(state.large, false);
    const queued = new Set(state.queue.map((q) => q.entryId));
    state.history.forEach((e) => {
      if ((e.pending || e.failed) && !queued.has(e.id)) e.pending = e.failed = false; // no longer waiting
    });
    renderHistory();
    const last = state.history[state.history.length - 1];
    if (last && last.from === "bot" && !last.end) finalizeTurn(); // reloaded in the middle of a turn
    const storedOpen = store.get("open", null);
    if (storedOpen === true || (storedOpen === null && CONFIG.openOnLoad)) openPanel({ focus: false });
    else if (state.queue.length) startTransport(); // something typed before the reload still waits
    if (CONFIG.helper) loadHelperMode();
  }

  exposeApi();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", guard(init));
  else guard(init)();
})();
