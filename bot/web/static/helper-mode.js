/*!
 * Trợ lý Dịch vụ công — helper mode of the chat widget, for community digital teams
 * (tổ công nghệ số cộng đồng) helping one citizen after another on a shared tablet.
 * Loaded by widget.js only when helper mode is on (guide: docs/widget.md, "Helper mode").
 *
 *   "Người tiếp theo": ends the conversation on the server, forgets it on the tablet, starts anew;
 *   idle timeout: the same after N minutes without use, with a warning one minute before;
 *   microphone: speech recognition in Vietnamese where the browser has it; the text goes into the
 *   input for the person to check and correct, and is never sent by itself;
 *   an anonymous count per ended conversation (team code, message count; no text, no id).
 *
 * Same safety rule as widget.js: nodes are built with createElement/textContent only.
 */
(function () {
  "use strict";

  const STRINGS = {
    next: "Người tiếp theo",
    nextLabel: "Người tiếp theo: xoá cuộc trò chuyện này trên máy và bắt đầu cho người mới",
    team: "Tổ hỗ trợ: {code}",
    cleared: "Đã xoá cuộc trò chuyện trên máy. Mời người tiếp theo ạ.",
    idleWarning: "Không thấy ai dùng trợ lý. Sau 1 phút nữa, cuộc trò chuyện này sẽ được xoá khỏi máy để giữ bí mật cho Anh/Chị.",
    stillHere: "Tôi vẫn đang dùng",
    mic: "Nói thay vì gõ",
    micStop: "Đang nghe… bấm để dừng",
    micHeard: "Trợ lý đã ghi lại lời Anh/Chị vào ô câu hỏi. Anh/Chị xem lại, sửa nếu cần rồi bấm “Gửi” ạ.",
    micNothing: "Trợ lý chưa nghe rõ. Anh/Chị bấm nút micro và nói lại gần máy hơn ạ.",
    micDenied: "Trình duyệt chưa cho dùng micro. Anh/Chị gõ câu hỏi, hoặc cho phép micro trong cài đặt trình duyệt ạ.",
  };
  const WARN_BEFORE_MS = 60000; // the warning shows one minute before the conversation is cleared
  const ACTIVITY = ["pointerdown", "keydown", "input", "wheel", "touchstart"];

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
  }

  function install(hooks) {
    const ui = hooks.ui;
    const el = hooks.el;
    const on = hooks.on;
    const S = Object.assign({}, STRINGS);
    Object.keys(hooks.hostStrings).forEach((key) => {
      if (key in STRINGS && typeof hooks.hostStrings[key] === "string") S[key] = hooks.hostStrings[key];
    });
    const config = hooks.config;
    const timers = { warn: 0, clear: 0 };

    ui.root.classList.add("tldvc-helper-mode");
    ui.restart.hidden = true; // "Người tiếp theo" does it, and more
    ui.download.hidden = true; // a file in the tablet's downloads would stay after the citizen left

    // ---------------------------------------------------------------- "Người tiếp theo"
    const next = el("button", { type: "button", class: "tldvc-next tldvc-btn tldvc-btn--primary", "aria-label": S.nextLabel }, [hooks.icon("next"), el("span", { text: S.next })]);
    const bar = el("div", { class: "tldvc-helper-bar" }, [next]);
    if (config.teamCode) bar.appendChild(el("span", { class: "tldvc-team", text: fill(S.team, { code: config.teamCode }) }));
    ui.panel.insertBefore(bar, ui.toolbar);

    const stillHere = el("button", { type: "button", class: "tldvc-still-here tldvc-btn tldvc-btn--primary", text: S.stillHere });
    const warning = el("div", { class: "tldvc-idle-warning", role: "alert", hidden: true }, [el("p", { class: "tldvc-idle-text", text: S.idleWarning }), stillHere]);
    ui.panel.insertBefore(warning, ui.toolbar.nextSibling);

    /** Count the ended conversation (no text, no id kept), then forget it and start anew. */
    function nextPerson(endedBy) {
      clearTimers();
      warning.hidden = true;
      const hadConversation = hooks.hasConversation();
      const ended = hooks.startFresh();
      stopListening();
      if (hadConversation && ended.sessionId) {
        const body = { session_id: ended.sessionId, ended_by: endedBy, questions: ended.questions };
        if (config.teamCode) body.team_code = config.teamCode;
        hooks.postJson("/webhooks/widget/helper-session", body, 10000);
      }
      hooks.setStatus(S.cleared, 6000);
      if (hooks.isOpen()) ui.input.focus();
    }
    on(next, "click", () => nextPerson("next"));

    // ---------------------------------------------------------------- idle timeout
    function clearTimers() {
      clearTimeout(timers.warn);
      clearTimeout(timers.clear);
    }

    function restartIdle() {
      clearTimers();
      const total = config.idleMinutes * 60000;
      timers.warn = setTimeout(hooks.guard(warn), total - WARN_BEFORE_MS);
      timers.clear = setTimeout(
        hooks.guard(() => {
          if (hooks.hasConversation()) nextPerson("idle");
          else warning.hidden = true;
        }),
        total
      );
    }

    function warn() {
      if (!hooks.hasConversation()) return; // nothing of a citizen to clear yet
      if (!hooks.isOpen()) hooks.open();
      warning.hidden = false;
      stillHere.focus();
    }

    function onActivity(event) {
      if (event && event.target && next.contains(event.target)) return; // "Người tiếp theo" is not use
      warning.hidden = true;
      restartIdle();
    }
    ACTIVITY.forEach((type) => on(document, type, onActivity, { passive: true, capture: true }));
    on(stillHere, "click", () => {
      warning.hidden = true;
      restartIdle();
      ui.input.focus();
    });
    restartIdle();

    // ---------------------------------------------------------------- microphone
    const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
    const mic = { button: null, recognition: null, listening: false };

    function stopListening() {
      if (mic.recognition && mic.listening) {
        try {
          mic.recognition.abort();
        } catch (_) {
          /* already stopped */
        }
      }
      setListening(false);
    }

    function setListening(listening) {
      mic.listening = listening;
      if (!mic.button) return;
      mic.button.setAttribute("aria-pressed", String(listening));
      mic.button.setAttribute("aria-label", listening ? S.micStop : S.mic);
      mic.button.title = listening ? S.micStop : S.mic;
    }

    /** Recognised text goes into the input, for the person to check; it is not sent. */
    function heard(event) {
      const results = event && event.results ? Array.from(event.results).slice(event.resultIndex || 0) : [];
      const text = results
        .map((result) => (result && result[0] && typeof result[0].transcript === "string" ? result[0].transcript : ""))
        .join(" ")
        .replace(/\s+/g, " ")
        .trim();
      if (!text) {
        hooks.setStatus(S.micNothing, 8000);
        return;
      }
      const before = ui.input.value.trim();
      ui.input.value = before ? before + " " + text : text;
      hooks.inputChanged(); // length limit, counter, height, as if typed
      hooks.setStatus(S.micHeard, 10000);
      ui.input.focus();
    }

    function listen() {
      if (mic.listening) {
        stopListening();
        return;
      }
      const recognition = new Recognition();
      recognition.lang = "vi-VN";
      recognition.interimResults = false;
      recognition.continuous = false;
      recognition.maxAlternatives = 1;
      recognition.onresult = hooks.guard(heard);
      recognition.onerror = hooks.guard((event) => {
        const denied = event && (event.error === "not-allowed" || event.error === "service-not-allowed");
        hooks.setStatus(denied ? S.micDenied : S.micNothing, 8000);
        setListening(false);
      });
      recognition.onend = hooks.guard(() => setListening(false));
      mic.recognition = recognition;
      setListening(true);
      recognition.start();
    }

    if (typeof Recognition === "function") {
      mic.button = el("button", { type: "button", class: "tldvc-mic tldvc-icon-btn tldvc-btn", "aria-pressed": "false" }, [hooks.icon("mic")]);
      setListening(false);
      on(mic.button, "click", listen);
      ui.send.parentNode.insertBefore(mic.button, ui.send);
    }
  }

  window.TroLyDichVuCongHelperMode = Object.freeze({ install: install });
})();
