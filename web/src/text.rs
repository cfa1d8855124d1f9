//! Every string the page shows, in English and Korean.
//!
//! A [`Texts`] value holds the page's words in one language; [`EN`] and [`KO`] must both fill
//! every field, so a string added in one language cannot be forgotten in the other (the
//! compiler says so). The chosen language lives in [`current`]; the root component changes it
//! ([`set_lang`]) and provides it as a yew context, so that:
//! - function components read their words with [`use_texts`], which also re-renders them when
//!   the language changes (props alone would not: they are unchanged);
//! - code outside components (the panic banner, struct components) calls [`texts`].
//!
//! Nothing from the cluster goes through here: command output stays as kubectl prints it.

use std::cell::Cell;

use yew::prelude::*;

/// A language of the page's own text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Ko,
}

impl Lang {
    /// The BCP 47 tag, for `<html lang>` and storage.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Lang> {
        match tag.get(..2)? {
            "en" => Some(Lang::En),
            "ko" => Some(Lang::Ko),
            _ => None,
        }
    }

    /// The language's own name, for the switch (shown the same in every language).
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ko => "한국어",
        }
    }

    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ko];
}

thread_local! {
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// The language shown now.
pub fn current() -> Lang {
    CURRENT.with(Cell::get)
}

/// Switches the language for [`texts`]; the root component also updates its context.
pub fn set_lang(lang: Lang) {
    CURRENT.with(|c| c.set(lang));
}

/// The words of `lang`.
pub fn texts_for(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &EN,
        Lang::Ko => &KO,
    }
}

/// The words to show now (outside components, or in struct components re-rendered by the root).
pub fn texts() -> &'static Texts {
    texts_for(current())
}

/// The words to show, for function components: re-renders the component when the language
/// changes.
#[hook]
pub fn use_texts() -> &'static Texts {
    let lang = use_context::<Lang>().unwrap_or_else(current);
    texts_for(lang)
}

/// A keyboard shortcut and what it does, for the help popover.
pub type Shortcut = (&'static str, &'static str);

/// The page's words in one language.
pub struct Texts {
    pub product: &'static str,
    pub tagline: &'static str,
    /// Label before the virtual clock in the header.
    pub virtual_time: &'static str,
    /// Tooltip of the virtual clock.
    pub virtual_time_hint: &'static str,
    pub show_system_pods: &'static str,
    pub terminal_label: &'static str,
    pub input_label: &'static str,
    /// Printed at the top of each terminal, once.
    pub welcome: &'static [&'static str],
    pub graph_label: &'static str,
    /// Title of the lane of pods that no node has taken yet.
    pub pending_lane: &'static str,
    pub pending_lane_hint: &'static str,
    /// Shown in the graph pane when there is nothing but nodes.
    pub graph_empty_hint: &'static str,

    // Header controls.
    pub language: &'static str,
    pub theme: &'static str,
    pub theme_system: &'static str,
    pub theme_light: &'static str,
    pub theme_dark: &'static str,
    pub help: &'static str,
    pub close: &'static str,

    // Panes.
    pub lesson_title: &'static str,
    pub workspace_label: &'static str,
    pub graph_title: &'static str,
    /// The graph pane's own words: picture, inspector, timeline, time bar.
    pub g: &'static GraphTexts,
    /// Button that hides a pane (its name follows).
    pub collapse: &'static str,
    /// Button that shows a hidden pane again.
    pub expand: &'static str,
    pub resize_handle: &'static str,
    pub terminal_tab: &'static str,
    pub new_terminal: &'static str,
    pub close_tab: &'static str,
    pub editor_tab: &'static str,

    // The YAML editor.
    /// The text area's accessible name.
    pub editor_label: &'static str,
    pub editor_templates: &'static str,
    /// The templates menu's first entry.
    pub editor_template_pick: &'static str,
    pub editor_checking: &'static str,
    pub editor_no_problems: &'static str,
    /// How many problems the check found; `{n}` is the number.
    pub editor_problem_count: &'static str,
    /// The problem list's accessible name.
    pub editor_problems: &'static str,
    pub editor_apply: &'static str,
    pub editor_apply_hint: &'static str,
    pub editor_dry_run: &'static str,
    pub editor_dry_run_hint: &'static str,
    /// The message line when the caret's line has no problem.
    pub editor_hint: &'static str,
    /// Before the object being edited by `kubectl edit`.
    pub editor_editing: &'static str,
    pub editor_save: &'static str,
    pub editor_cancel: &'static str,

    // The lesson pane's welcome (lessons come later).
    pub lesson_welcome_title: &'static str,
    pub lesson_welcome: &'static [&'static str],
    pub lesson_try: &'static str,
    /// Suggested first commands, with what each shows.
    pub lesson_steps: &'static [(&'static str, &'static str)],
    pub lesson_run_hint: &'static str,

    // The lesson list, lessons, exercises and drills.
    pub lessons_list: &'static str,
    pub lessons_loading: &'static str,
    pub lessons_unavailable: &'static str,
    pub lessons_back: &'static str,
    pub lessons_minutes: fn(u32) -> String,
    pub lessons_progress: fn(usize, usize) -> String,
    pub lessons_reading: &'static str,
    pub lessons_prerequisites: &'static str,
    pub lessons_start: &'static str,
    pub lessons_start_hint: &'static str,
    pub lessons_start_confirm: &'static str,
    pub lessons_run: &'static str,
    pub lessons_open_editor: &'static str,
    pub lessons_exercise: &'static str,
    pub lessons_done: &'static str,
    pub lessons_hint: &'static str,
    pub lessons_show_solution: &'static str,
    pub lessons_solution_confirm: &'static str,
    pub drills_list: &'static str,
    pub drill_tasks: fn(usize) -> String,
    pub drill_points: fn(u32) -> String,
    pub drill_intro: &'static str,
    pub drill_start: &'static str,
    pub drill_time_left: &'static str,
    pub drill_submit: &'static str,
    pub drill_passed: &'static str,
    pub drill_failed: &'static str,
    pub drill_score: fn(u32, u32) -> String,
    pub drill_restart: &'static str,

    // Help popover.
    pub help_title: &'static str,
    pub help_intro: &'static str,
    pub shortcuts_terminal: &'static str,
    pub shortcuts_page: &'static str,
    pub terminal_shortcuts: &'static [Shortcut],
    pub page_shortcuts: &'static [Shortcut],
    /// Shown while searching the history with Ctrl-R (the query follows).
    pub history_search: &'static str,

    // Saving, restoring, moving clusters in and out. `{n}`, `{file}`, `{time}` are filled in.
    pub session_menu: &'static str,
    pub export: &'static str,
    pub export_hint: &'static str,
    pub import: &'static str,
    pub import_hint: &'static str,
    pub import_confirm: &'static str,
    pub import_failed: &'static str,
    pub import_done: &'static str,
    pub share: &'static str,
    pub share_hint: &'static str,
    pub share_title: &'static str,
    pub share_text: &'static str,
    pub share_failed: &'static str,
    pub copy: &'static str,
    pub shared_title: &'static str,
    pub shared_text: &'static str,
    pub shared_load: &'static str,
    pub shared_keep: &'static str,
    pub shared_bad: &'static str,
    /// Virtual time in minutes or seconds (`{n}`).
    pub minutes: &'static str,
    pub seconds: &'static str,
    pub reset: &'static str,
    pub reset_hint: &'static str,
    pub reset_confirm: &'static str,
    /// Saving failed (the browser's reason follows in parentheses).
    pub save_failed: &'static str,
    /// The saved session crashed the page while it was being restored.
    pub restore_crashed: &'static str,
    /// The saved session could not be read (the reason follows).
    pub restore_unreadable: &'static str,
    /// The page crashed (a bug): shown in a banner with a reload button.
    pub crashed: &'static str,
    pub reload: &'static str,
}

pub const EN: Texts = Texts {
    product: "kubeplay",
    tagline: "a Kubernetes cluster in your browser tab",
    virtual_time: "cluster time",
    virtual_time_hint: "The cluster's virtual clock: it follows real time, and `sleep N` jumps ahead.",
    show_system_pods: "show system pods",
    terminal_label: "kubectl terminal",
    input_label: "command line",
    welcome: &[
        "kubeplay: a three-node Kubernetes v1.35 cluster running in this tab. Type `help` for what the shell knows.",
    ],
    graph_label: "cluster graph",
    pending_lane: "Pending",
    pending_lane_hint: "not scheduled to a node yet",
    graph_empty_hint: "No workloads yet: create a Deployment in the terminal and watch its pods appear here.",

    language: "Language",
    theme: "Theme",
    theme_system: "System",
    theme_light: "Light",
    theme_dark: "Dark",
    help: "Keyboard shortcuts and help",
    close: "Close",

    lesson_title: "Lesson",
    workspace_label: "Workspace",
    graph_title: "Cluster",
    g: &GRAPH_EN,
    collapse: "Hide",
    expand: "Show",
    resize_handle: "Drag to resize (or focus and use the arrow keys)",
    terminal_tab: "Terminal",
    new_terminal: "New terminal",
    close_tab: "Close this terminal",
    editor_tab: "YAML",
    editor_label: "YAML manifest",
    editor_templates: "Template",
    editor_template_pick: "Insert a template…",
    editor_checking: "Checking…",
    editor_no_problems: "No problems",
    editor_problem_count: "{n} problem(s)",
    editor_problems: "Problems",
    editor_apply: "Apply",
    editor_apply_hint: "Runs kubectl apply -f editor.yaml in the terminal",
    editor_dry_run: "Dry run",
    editor_dry_run_hint: "Runs kubectl apply -f editor.yaml --dry-run=server: the API server checks everything and changes nothing",
    editor_hint: "Checked as you type, as kubectl apply --dry-run=server would. Tab indents, Shift+Tab outdents; Esc then Tab leaves the editor.",
    editor_editing: "kubectl edit:",
    editor_save: "Save",
    editor_cancel: "Cancel",

    lesson_welcome_title: "Welcome",
    lesson_welcome: &[
        "This tab holds a whole Kubernetes cluster: an API server, controllers, a scheduler and three simulated nodes. Nothing to install, no account, no time limit; it keeps working offline.",
        "Everything you do is saved in this browser and comes back when you reload.",
    ],
    lesson_try: "Try these first",
    lesson_steps: &[
        ("kubectl get nodes", "the cluster's three nodes"),
        (
            "kubectl create deployment web --image=nginx --replicas=3",
            "a Deployment: watch its ReplicaSet and pods appear on the right",
        ),
        ("kubectl get pods -o wide", "which node each pod landed on"),
        (
            "kubectl scale deployment web --replicas=5",
            "two more pods, placed by the scheduler",
        ),
        (
            "kubectl get events",
            "what the controllers did, step by step",
        ),
    ],
    lesson_run_hint: "Click a command to run it in the terminal.",

    lessons_list: "Lessons",
    lessons_loading: "Loading…",
    lessons_unavailable: "The lessons could not be loaded:",
    lessons_back: "← All lessons",
    lessons_minutes: |m| format!("{m} min"),
    lessons_progress: |d, t| format!("{d}/{t} exercises done"),
    lessons_reading: "reading",
    lessons_prerequisites: "After:",
    lessons_start: "Start lesson",
    lessons_start_hint: "Starts a fresh cluster prepared for this lesson. Your progress is kept.",
    lessons_start_confirm: "Start over with a fresh cluster? Your objects and terminal history are discarded (completed exercises are kept).",
    lessons_run: "Run",
    lessons_open_editor: "Open in editor",
    lessons_exercise: "Exercise",
    lessons_done: "done",
    lessons_hint: "Hint",
    lessons_show_solution: "Show solution",
    lessons_solution_confirm: "Show the solution? Trying a little longer teaches more.",
    drills_list: "Drills and exams",
    drill_tasks: |n| format!("{n} tasks"),
    drill_points: |p| {
        if p == 1 {
            "1 point".to_string()
        } else {
            format!("{p} points")
        }
    },
    drill_intro: "A fresh cluster is prepared, then the clock runs. Solve the tasks in the terminal or the editor and submit before time is up.",
    drill_start: "Start",
    drill_time_left: "Time left:",
    drill_submit: "Submit",
    drill_passed: "Passed",
    drill_failed: "Failed",
    drill_score: |e, t| format!("{e} of {t} points"),
    drill_restart: "Start again",

    help_title: "Keyboard shortcuts",
    help_intro: "The terminal answers like kubectl v1.35. Virtual time follows real time; `sleep 30` jumps ahead.",
    shortcuts_terminal: "Terminal",
    shortcuts_page: "Page",
    terminal_shortcuts: &[
        ("Enter", "run the line"),
        ("↑ / ↓", "earlier and later lines"),
        ("Ctrl+R", "search earlier lines (again: older match)"),
        ("Tab", "complete a command, resource or name"),
        ("Ctrl+C", "cancel the line, or stop a running watch"),
        ("Ctrl+L", "clear the screen"),
        (
            "Ctrl+V",
            "paste several lines: they run in order (here-documents too)",
        ),
    ],
    page_shortcuts: &[
        ("Alt+1", "lesson pane"),
        ("Alt+2", "terminal"),
        ("Alt+3", "YAML editor"),
        ("Alt+4", "cluster graph"),
        ("Esc", "close this help"),
        (
            "Tab / Shift+Tab",
            "move between controls (in the terminal, Tab completes)",
        ),
    ],
    history_search: "reverse-i-search",

    session_menu: "Session",
    export: "Export YAML",
    export_hint: "Download your objects as one YAML file (kubectl apply -f recreates them)",
    import: "Import YAML…",
    import_hint: "Start a fresh cluster from a YAML file (applied with kubectl apply -f)",
    import_confirm: "Replace your cluster with a fresh one holding the {n} object(s) of {file}? Export first to keep the current one.",
    import_failed: "{file} could not be imported, your cluster is unchanged:",
    import_done: "{file} was applied to a fresh cluster (see the terminal).",
    share: "Share link",
    share_hint: "A link that gives anyone a copy of this cluster",
    share_title: "Share this cluster",
    share_text: "Whoever opens this link gets a copy of this cluster: your commands, replayed in their browser. Nothing is uploaded: the cluster travels inside the link.",
    share_failed: "This cluster is too big for a link; export it as YAML instead",
    copy: "Copy",
    shared_title: "Open a shared cluster?",
    shared_text: "This link holds a cluster made by {n} command(s) over {time} of cluster time. Loading it replaces your current cluster (export first to keep it).",
    shared_load: "Load it",
    shared_keep: "Keep mine",
    shared_bad: "This link could not be read",
    minutes: "{n} min",
    seconds: "{n} s",
    reset: "Reset",
    reset_hint: "Start over with a fresh cluster",
    reset_confirm: "Start over with a fresh cluster? Everything you created and typed here will be lost (export first to keep it).",
    save_failed: "Your work could not be saved in this browser, so a reload would lose it. Export the cluster to keep it",
    restore_crashed: "Restoring your saved session stopped the page last time, so it was set aside and a fresh cluster started.",
    restore_unreadable: "Your saved session could not be read, so a fresh cluster started",
    crashed: "Something broke inside kubeplay (a bug, sorry). Your work up to the last command is saved: reload the page to continue.",
    reload: "Reload",
};

pub const KO: Texts = Texts {
    product: "kubeplay",
    tagline: "브라우저 탭 안의 쿠버네티스 클러스터",
    virtual_time: "클러스터 시각",
    virtual_time_hint: "클러스터의 가상 시계: 실제 시간을 따라가며, `sleep N`으로 앞당길 수 있습니다.",
    show_system_pods: "시스템 파드 보기",
    terminal_label: "kubectl 터미널",
    input_label: "명령줄",
    welcome: &[
        "kubeplay: 이 탭에서 실행되는 노드 3개짜리 쿠버네티스 v1.35 클러스터입니다. 셸이 아는 명령은 `help`로 볼 수 있습니다.",
    ],
    graph_label: "클러스터 그래프",
    pending_lane: "Pending",
    pending_lane_hint: "아직 노드에 스케줄되지 않음",
    graph_empty_hint: "아직 워크로드가 없습니다. 터미널에서 디플로이먼트를 만들면 파드가 여기에 나타납니다.",

    language: "언어",
    theme: "테마",
    theme_system: "시스템",
    theme_light: "밝게",
    theme_dark: "어둡게",
    help: "단축키와 도움말",
    close: "닫기",

    lesson_title: "레슨",
    workspace_label: "작업 공간",
    graph_title: "클러스터",
    g: &GRAPH_KO,
    collapse: "숨기기",
    expand: "보이기",
    resize_handle: "끌어서 크기 조절 (또는 포커스 후 화살표 키)",
    terminal_tab: "터미널",
    new_terminal: "새 터미널",
    close_tab: "이 터미널 닫기",
    editor_tab: "YAML",
    editor_label: "YAML 매니페스트",
    editor_templates: "템플릿",
    editor_template_pick: "템플릿 넣기…",
    editor_checking: "검사 중…",
    editor_no_problems: "문제 없음",
    editor_problem_count: "문제 {n}개",
    editor_problems: "문제 목록",
    editor_apply: "적용",
    editor_apply_hint: "터미널에서 kubectl apply -f editor.yaml 을 실행합니다",
    editor_dry_run: "드라이런",
    editor_dry_run_hint: "kubectl apply -f editor.yaml --dry-run=server 를 실행합니다: API 서버가 모두 검사하되 아무것도 바꾸지 않습니다",
    editor_hint: "입력하는 동안 kubectl apply --dry-run=server 처럼 검사합니다. Tab은 들여쓰기, Shift+Tab은 내어쓰기, Esc 다음 Tab은 편집기 밖으로 이동합니다.",
    editor_editing: "kubectl edit:",
    editor_save: "저장",
    editor_cancel: "취소",

    lesson_welcome_title: "환영합니다",
    lesson_welcome: &[
        "이 탭 안에 쿠버네티스 클러스터 전체가 있습니다: API 서버, 컨트롤러, 스케줄러, 그리고 시뮬레이션된 노드 3개. 설치도 계정도 시간 제한도 없고, 오프라인에서도 동작합니다.",
        "여기서 한 모든 작업은 이 브라우저에 저장되어, 새로 고침해도 그대로 돌아옵니다.",
    ],
    lesson_try: "먼저 해 볼 명령",
    lesson_steps: &[
        ("kubectl get nodes", "클러스터의 노드 3개"),
        (
            "kubectl create deployment web --image=nginx --replicas=3",
            "디플로이먼트: 오른쪽에 레플리카셋과 파드가 나타납니다",
        ),
        ("kubectl get pods -o wide", "각 파드가 어느 노드에 놓였는지"),
        (
            "kubectl scale deployment web --replicas=5",
            "스케줄러가 배치하는 파드 2개 더",
        ),
        ("kubectl get events", "컨트롤러들이 한 일을 차례대로"),
    ],
    lesson_run_hint: "명령을 누르면 터미널에서 실행됩니다.",

    lessons_list: "레슨",
    lessons_loading: "불러오는 중…",
    lessons_unavailable: "레슨을 불러오지 못했습니다:",
    lessons_back: "← 레슨 목록",
    lessons_minutes: |m| format!("{m}분"),
    lessons_progress: |d, t| format!("연습 {t}개 중 {d}개 완료"),
    lessons_reading: "읽기",
    lessons_prerequisites: "먼저:",
    lessons_start: "레슨 시작",
    lessons_start_hint: "이 레슨을 위해 준비된 새 클러스터로 시작합니다. 진도는 그대로 남습니다.",
    lessons_start_confirm: "새 클러스터로 다시 시작할까요? 지금의 오브젝트와 터미널 기록은 사라집니다(완료한 연습은 남습니다).",
    lessons_run: "실행",
    lessons_open_editor: "편집기에서 열기",
    lessons_exercise: "연습",
    lessons_done: "완료",
    lessons_hint: "힌트",
    lessons_show_solution: "풀이 보기",
    lessons_solution_confirm: "풀이를 볼까요? 조금 더 시도해 보면 더 많이 배웁니다.",
    drills_list: "드릴과 시험",
    drill_tasks: |n| format!("과제 {n}개"),
    drill_points: |p| format!("{p}점"),
    drill_intro: "새 클러스터를 준비한 뒤 시간이 흐르기 시작합니다. 터미널이나 편집기로 과제를 풀고 시간 안에 제출하세요.",
    drill_start: "시작",
    drill_time_left: "남은 시간:",
    drill_submit: "제출",
    drill_passed: "통과",
    drill_failed: "실패",
    drill_score: |e, t| format!("{t}점 중 {e}점"),
    drill_restart: "다시 시작",

    help_title: "단축키",
    help_intro: "터미널은 kubectl v1.35처럼 답합니다. 가상 시간은 실제 시간을 따라가며, `sleep 30`으로 앞당길 수 있습니다.",
    shortcuts_terminal: "터미널",
    shortcuts_page: "페이지",
    terminal_shortcuts: &[
        ("Enter", "줄 실행"),
        ("↑ / ↓", "이전 줄과 다음 줄"),
        ("Ctrl+R", "이전 줄 검색 (다시 누르면 더 이전 결과)"),
        ("Tab", "명령, 리소스, 이름 자동 완성"),
        ("Ctrl+C", "입력 취소, 또는 실행 중인 watch 중지"),
        ("Ctrl+L", "화면 지우기"),
        (
            "Ctrl+V",
            "여러 줄 붙여넣기: 차례대로 실행 (here-document 포함)",
        ),
    ],
    page_shortcuts: &[
        ("Alt+1", "레슨 창"),
        ("Alt+2", "터미널"),
        ("Alt+3", "YAML 편집기"),
        ("Alt+4", "클러스터 그래프"),
        ("Esc", "이 도움말 닫기"),
        (
            "Tab / Shift+Tab",
            "컨트롤 사이 이동 (터미널에서는 Tab이 자동 완성)",
        ),
    ],
    history_search: "역방향 검색",

    session_menu: "세션",
    export: "YAML 내보내기",
    export_hint: "내가 만든 오브젝트를 YAML 파일 하나로 내려받기 (kubectl apply -f로 다시 만들 수 있음)",
    import: "YAML 가져오기…",
    import_hint: "YAML 파일로 새 클러스터 시작 (kubectl apply -f로 적용)",
    import_confirm: "지금 클러스터를 {file}의 오브젝트 {n}개가 든 새 클러스터로 바꿀까요? 지금 것을 보관하려면 먼저 내보내세요.",
    import_failed: "{file}을(를) 가져오지 못했습니다. 클러스터는 그대로입니다:",
    import_done: "{file}을(를) 새 클러스터에 적용했습니다 (터미널을 보세요).",
    share: "공유 링크",
    share_hint: "누구나 이 클러스터의 복사본을 받는 링크",
    share_title: "이 클러스터 공유",
    share_text: "이 링크를 여는 사람은 이 클러스터의 복사본을 받습니다: 내 명령들이 그 사람의 브라우저에서 다시 실행됩니다. 업로드는 없습니다. 클러스터는 링크 안에 담겨 전달됩니다.",
    share_failed: "이 클러스터는 링크에 담기에 너무 큽니다. 대신 YAML로 내보내세요",
    copy: "복사",
    shared_title: "공유된 클러스터를 열까요?",
    shared_text: "이 링크에는 클러스터 시간 {time} 동안 명령 {n}개로 만든 클러스터가 들어 있습니다. 불러오면 지금 클러스터를 대신합니다 (보관하려면 먼저 내보내세요).",
    shared_load: "불러오기",
    shared_keep: "지금 것 유지",
    shared_bad: "이 링크를 읽을 수 없습니다",
    minutes: "{n}분",
    seconds: "{n}초",
    reset: "초기화",
    reset_hint: "새 클러스터로 다시 시작",
    reset_confirm: "새 클러스터로 다시 시작할까요? 여기서 만들고 입력한 모든 것이 사라집니다 (보관하려면 먼저 내보내세요).",
    save_failed: "작업을 이 브라우저에 저장하지 못했습니다. 새로 고침하면 사라지니, 클러스터를 내보내 보관하세요",
    restore_crashed: "지난번에 저장된 세션을 복원하다가 페이지가 멈췄습니다. 그 세션은 따로 보관하고 새 클러스터로 시작합니다.",
    restore_unreadable: "저장된 세션을 읽을 수 없어 새 클러스터로 시작합니다",
    crashed: "kubeplay 내부에서 문제가 생겼습니다 (버그입니다, 죄송합니다). 마지막 명령까지의 작업은 저장되어 있으니 페이지를 새로 고쳐 계속하세요.",
    reload: "새로 고침",
};

/// The graph pane's words (picture, inspector, events timeline, time bar).
pub struct GraphTexts {
    pub zoom_in: &'static str,
    pub zoom_out: &'static str,
    pub fit: &'static str,
    pub pan_hint: &'static str,
    pub namespace: &'static str,
    pub all_namespaces: &'static str,
    pub kinds: &'static str,
    pub legend: &'static str,
    /// Band titles: network, workloads, controllers, config and storage.
    pub band_network: &'static str,
    pub band_workloads: &'static str,
    pub band_controllers: &'static str,
    pub band_config_storage: &'static str,
    /// Pod colours, in `PodState::ALL` order.
    pub pod_states: [&'static str; 7],
    /// Line kinds, in `Relation::ALL` order.
    pub relations: [&'static str; 7],
    pub trace: &'static str,
    pub trace_dismiss: &'static str,
    /// The disclosure holding every hop in full.
    pub trace_hops: &'static str,
    /// Before the client's description: "from outside the cluster (...)".
    pub trace_from: &'static str,
    /// Before the outcome: "200 OK", "connection refused".
    pub trace_result: &'static str,

    pub inspector: &'static str,
    pub inspector_empty: &'static str,
    pub why_exists: &'static str,
    /// "{who}" is the component that created the object.
    pub made_by: &'static str,
    pub nobody_owns: &'static str,
    pub tab_describe: &'static str,
    pub tab_yaml: &'static str,
    pub tab_events: &'static str,
    pub tab_logs: &'static str,
    pub tab_scheduling: &'static str,
    pub container: &'static str,
    pub no_events: &'static str,
    pub no_logs: &'static str,

    pub timeline: &'static str,
    pub timeline_empty: &'static str,
    /// "{n}" repeats.
    pub times: &'static str,

    pub time_bar: &'static str,
    pub pause: &'static str,
    pub resume: &'static str,
    pub step: &'static str,
    pub step_hint: &'static str,
    pub speed: &'static str,
    pub settle: &'static str,
    pub settle_hint: &'static str,
    /// After "{t}": "{what}" (the first change), "{more}" (how many more, or nothing).
    pub stepped: &'static str,
    /// "{n}" further changes.
    pub more_changes: &'static str,
    /// What happened to an object: created, changed, deleted.
    pub change_added: &'static str,
    pub change_modified: &'static str,
    pub change_deleted: &'static str,
    /// Nothing in "{t}".
    pub step_nothing: &'static str,
    /// After "{t}".
    pub settled: &'static str,
    pub not_settled: &'static str,
    pub paused: &'static str,
}

pub const GRAPH_EN: GraphTexts = GraphTexts {
    zoom_in: "Zoom in",
    zoom_out: "Zoom out",
    fit: "Fit",
    pan_hint: "Drag to pan, wheel or pinch to zoom; Tab reaches every object, Enter selects it.",
    namespace: "Namespace",
    all_namespaces: "all namespaces",
    kinds: "Kinds shown",
    legend: "Legend",
    band_network: "Traffic: Ingresses and Services",
    band_workloads: "Workloads",
    band_controllers: "Made by controllers: ReplicaSets and Jobs",
    band_config_storage: "Configuration and storage",
    pod_states: [
        "Pending",
        "Starting",
        "Running and ready",
        "Running, not ready",
        "Completed",
        "Failed or crashing",
        "Terminating",
    ],
    relations: [
        "owns (controller)",
        "sends traffic to (ready endpoint)",
        "endpoint not ready",
        "Ingress rule (host/path)",
        "claim bound to volume",
        "mounts claim",
        "reads ConfigMap/Secret",
    ],
    trace: "request trace",
    trace_dismiss: "Dismiss the trace",
    trace_hops: "Every hop",
    trace_from: "from",
    trace_result: "result:",

    inspector: "Inspector",
    inspector_empty: "Select an object in the picture or the timeline to inspect it.",
    why_exists: "Why does this exist?",
    made_by: "made by {who}",
    nobody_owns: "nobody owns it",
    tab_describe: "Describe",
    tab_yaml: "YAML",
    tab_events: "Events",
    tab_logs: "Logs",
    tab_scheduling: "Scheduling",
    container: "Container",
    no_events: "No events for this object.",
    no_logs: "(no log output yet)",

    timeline: "Events",
    timeline_empty: "No events yet.",
    times: "×{n}",

    time_bar: "Time control",
    pause: "Pause",
    resume: "Resume",
    step: "Step",
    step_hint: "Run to the next change in the cluster, then pause",
    speed: "Speed",
    settle: "Run until settled",
    settle_hint: "Run until nothing changes for 2 minutes (at most 1 hour)",
    stepped: "after {t}: {what}{more}",
    more_changes: " (+{n} more)",
    change_added: "created",
    change_modified: "changed",
    change_deleted: "deleted",
    step_nothing: "nothing happened in {t}",
    settled: "settled after {t}",
    not_settled: "still changing after {t}",
    paused: "paused",
};

pub const GRAPH_KO: GraphTexts = GraphTexts {
    zoom_in: "확대",
    zoom_out: "축소",
    fit: "맞추기",
    pan_hint: "끌어서 이동, 휠이나 두 손가락으로 확대/축소. Tab으로 모든 객체에 갈 수 있고 Enter로 선택합니다.",
    namespace: "네임스페이스",
    all_namespaces: "모든 네임스페이스",
    kinds: "보이는 종류",
    legend: "범례",
    band_network: "트래픽: 인그레스와 서비스",
    band_workloads: "워크로드",
    band_controllers: "컨트롤러가 만든 것: 레플리카셋과 잡",
    band_config_storage: "설정과 스토리지",
    pod_states: [
        "Pending (대기)",
        "시작 중",
        "실행 중, 준비됨",
        "실행 중, 준비 안 됨",
        "완료",
        "실패 또는 재시작 반복",
        "종료 중",
    ],
    relations: [
        "소유 (컨트롤러)",
        "트래픽 전달 (준비된 엔드포인트)",
        "준비되지 않은 엔드포인트",
        "인그레스 규칙 (호스트/경로)",
        "볼륨에 바인딩된 클레임",
        "클레임 마운트",
        "컨피그맵/시크릿 사용",
    ],
    trace: "요청 추적",
    trace_dismiss: "추적 닫기",
    trace_hops: "모든 단계",
    trace_from: "보낸 곳:",
    trace_result: "결과:",

    inspector: "인스펙터",
    inspector_empty: "그림이나 타임라인에서 객체를 선택하면 자세히 볼 수 있습니다.",
    why_exists: "이것은 왜 있을까?",
    made_by: "{who}가 만듦",
    nobody_owns: "소유자 없음",
    tab_describe: "Describe",
    tab_yaml: "YAML",
    tab_events: "이벤트",
    tab_logs: "로그",
    tab_scheduling: "스케줄링",
    container: "컨테이너",
    no_events: "이 객체의 이벤트가 없습니다.",
    no_logs: "(아직 로그 출력 없음)",

    timeline: "이벤트",
    timeline_empty: "아직 이벤트가 없습니다.",
    times: "×{n}",

    time_bar: "시간 제어",
    pause: "일시정지",
    resume: "재개",
    step: "한 단계",
    step_hint: "클러스터의 다음 변화까지 진행한 뒤 멈춤",
    speed: "속도",
    settle: "안정될 때까지",
    settle_hint: "2분 동안 아무 변화가 없을 때까지 진행 (최대 1시간)",
    stepped: "{t} 뒤: {what}{more}",
    more_changes: " (외 {n}개)",
    change_added: "생성됨",
    change_modified: "변경됨",
    change_deleted: "삭제됨",
    step_nothing: "{t} 동안 아무 일도 없음",
    settled: "{t} 뒤 안정됨",
    not_settled: "{t} 뒤에도 계속 변하는 중",
    paused: "일시정지됨",
};
