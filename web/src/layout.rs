//! The page's frame: which panes are open and how wide, the drag handles between them, and the
//! theme; all remembered in `localStorage` ([`crate::storage`]).
//!
//! The panes sit in a CSS grid whose columns come from [`Layout::columns`] (a CSS variable, so
//! that the stylesheet's narrow-screen rule can stack the panes instead). A [`Splitter`] is a
//! drag handle (pointer events with pointer capture, so a fast drag does not lose it) that is
//! also a focusable `separator`: arrow keys resize, Enter hides or shows its pane.

use serde::{Deserialize, Serialize};
use yew::prelude::*;

use crate::storage;

/// The side panes (the workspace in the middle takes what is left).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Lesson,
    Graph,
}

/// Pane widths in CSS pixels, and which side panes are open.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    pub lesson_px: f64,
    pub graph_px: f64,
    pub lesson_open: bool,
    pub graph_open: bool,
}

impl Default for Layout {
    fn default() -> Layout {
        Layout {
            lesson_px: 300.0,
            graph_px: 560.0,
            lesson_open: true,
            graph_open: true,
        }
    }
}

/// Narrowest a side pane may be dragged; the workspace keeps at least [`MIN_WORKSPACE`].
const MIN_SIDE: f64 = 200.0;
const MIN_WORKSPACE: f64 = 320.0;
/// Width of a hidden pane's rail and of a handle (keep in step with style.css).
const RAIL: &str = "2.5rem";
const HANDLE: &str = "6px";
/// One arrow-key press on a handle.
pub const KEY_STEP: f64 = 32.0;

const KEY: &str = "layout";

impl Layout {
    pub fn load() -> Layout {
        storage::get(KEY)
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default()
    }

    pub fn save(&self) {
        if let Ok(json) = serde_json::to_string(self) {
            let _ = storage::set(KEY, &json);
        }
    }

    pub fn is_open(&self, side: Side) -> bool {
        match side {
            Side::Lesson => self.lesson_open,
            Side::Graph => self.graph_open,
        }
    }

    pub fn toggle(&mut self, side: Side) {
        match side {
            Side::Lesson => self.lesson_open = !self.lesson_open,
            Side::Graph => self.graph_open = !self.graph_open,
        }
    }

    /// The grid's columns: lesson, handle, workspace, handle, graph.
    pub fn columns(&self) -> String {
        let side = |open: bool, px: f64| {
            if open {
                (format!("{}px", px.round()), HANDLE)
            } else {
                (RAIL.to_string(), "0px")
            }
        };
        let (lesson, lesson_handle) = side(self.lesson_open, self.lesson_px);
        let (graph, graph_handle) = side(self.graph_open, self.graph_px);
        format!("{lesson} {lesson_handle} minmax({MIN_WORKSPACE}px, 1fr) {graph_handle} {graph}")
    }

    /// Sets `side`'s width from the pointer's x (`left` and `right` are the grid's edges),
    /// keeping every pane usable.
    pub fn drag(&mut self, side: Side, x: f64, left: f64, right: f64) {
        let total = right - left;
        match side {
            Side::Lesson => {
                let others = if self.graph_open { self.graph_px } else { 40.0 };
                let max = (total - others - MIN_WORKSPACE).max(MIN_SIDE);
                self.lesson_px = (x - left).clamp(MIN_SIDE, max);
            }
            Side::Graph => {
                let others = if self.lesson_open {
                    self.lesson_px
                } else {
                    40.0
                };
                let max = (total - others - MIN_WORKSPACE).max(MIN_SIDE);
                self.graph_px = (right - x).clamp(MIN_SIDE, max);
            }
        }
    }

    /// Widens (`delta` > 0) or narrows `side` by keyboard.
    pub fn nudge(&mut self, side: Side, delta: f64) {
        let px = match side {
            Side::Lesson => &mut self.lesson_px,
            Side::Graph => &mut self.graph_px,
        };
        *px = (*px + delta).max(MIN_SIDE);
    }
}

/// The colour theme: the system's (`prefers-color-scheme`) unless the learner chose one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub fn tag(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn load() -> Theme {
        match storage::get("theme").as_deref() {
            Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            _ => Theme::System,
        }
    }

    /// Remembers the choice and shows it: `data-theme` on `<html>` picks the CSS variables.
    pub fn apply(self) {
        let _ = storage::set("theme", self.tag());
        if let Some(root) = document_element() {
            let _ = match self {
                Theme::System => root.remove_attribute("data-theme"),
                _ => root.set_attribute("data-theme", self.tag()),
            };
        }
    }
}

pub fn document_element() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.document_element()
}

#[derive(Properties, PartialEq)]
pub struct SplitterProps {
    pub side: Side,
    pub open: bool,
    /// The pane's width now, for `aria-valuenow`.
    pub value: f64,
    pub label: AttrValue,
    /// Called with the pointer's `clientX` while dragging.
    pub on_drag: Callback<f64>,
    /// Called when a drag or a key press ended (time to save the layout).
    pub on_done: Callback<()>,
    /// Arrow keys: pixels to widen the pane by (negative narrows).
    pub on_nudge: Callback<f64>,
    pub on_toggle: Callback<()>,
}

/// A drag handle between two panes.
#[function_component]
pub fn Splitter(props: &SplitterProps) -> Html {
    let dragging = use_mut_ref(|| false);
    let onpointerdown = {
        let dragging = dragging.clone();
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            // No preventDefault (yew listens passively); pointer capture and the handle's
            // `touch-action: none` keep the drag from selecting or scrolling.
            if let Some(el) = e.target_dyn_into::<web_sys::Element>() {
                let _ = el.set_pointer_capture(e.pointer_id());
            }
            *dragging.borrow_mut() = true;
        })
    };
    let onpointermove = {
        let (dragging, on_drag) = (dragging.clone(), props.on_drag.clone());
        Callback::from(move |e: PointerEvent| {
            if *dragging.borrow() {
                on_drag.emit(f64::from(e.client_x()));
            }
        })
    };
    let onpointerup = {
        let (dragging, on_done) = (dragging.clone(), props.on_done.clone());
        Callback::from(move |_: PointerEvent| {
            if std::mem::take(&mut *dragging.borrow_mut()) {
                on_done.emit(());
            }
        })
    };
    let onkeydown = {
        let (side, on_nudge, on_toggle, on_done) = (
            props.side,
            props.on_nudge.clone(),
            props.on_toggle.clone(),
            props.on_done.clone(),
        );
        Callback::from(move |e: KeyboardEvent| {
            // The lesson pane is on the left: ArrowRight widens it; the graph pane is on the
            // right: ArrowLeft widens it.
            let toward_right = match side {
                Side::Lesson => KEY_STEP,
                Side::Graph => -KEY_STEP,
            };
            match e.key().as_str() {
                "ArrowRight" => on_nudge.emit(toward_right),
                "ArrowLeft" => on_nudge.emit(-toward_right),
                "Enter" | " " => on_toggle.emit(()),
                _ => return,
            }
            e.prevent_default();
            on_done.emit(());
        })
    };
    let class = classes!(
        "splitter",
        format!("splitter-{}", side_tag(props.side)),
        (!props.open).then_some("splitter-closed")
    );
    html! {
        <div {class} role="separator" aria-orientation="vertical" tabindex={if props.open { "0" } else { "-1" }}
            aria-label={props.label.clone()} title={props.label.clone()}
            aria-valuenow={props.value.round().to_string()} aria-valuemin={MIN_SIDE.to_string()}
            {onpointerdown} {onpointermove} onpointerup={onpointerup.clone()} onpointercancel={onpointerup}
            {onkeydown}>
        </div>
    }
}

pub fn side_tag(side: Side) -> &'static str {
    match side {
        Side::Lesson => "lesson",
        Side::Graph => "graph",
    }
}
