//! [`Field`]: one part of the session's state as a view reads it — the way a read-only signal
//! is read (`get`, `with`, `track`, and their untracked forms) — over the plain [`Core`] and a
//! change trigger per [`Area`]. Every field of every type shares the same reactive node type
//! (`ArcTrigger`): reactive code is compiled once, not once per value type.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use livechat_client::session::core::{AREAS, Area, Core, View};

use crate::i18n::Lang;

/// What the shell's handles point at: the core, a trigger per area, and the language (the
/// widget's own, beside the core).
pub(super) struct Cell {
    pub core: RefCell<Core>,
    pub areas: [ArcTrigger; AREAS],
    pub lang: RefCell<Lang>,
    pub lang_changed: ArcTrigger,
}

impl Cell {
    pub fn new(core: Core, lang: Lang) -> Cell {
        Cell {
            core: RefCell::new(core),
            areas: std::array::from_fn(|_| ArcTrigger::new()),
            lang: RefCell::new(lang),
            lang_changed: ArcTrigger::new(),
        }
    }

    /// Wakes what reads the areas in `changed` (bits, `1 << Area as u32`).
    pub fn notify(&self, changed: u32) {
        for (n, trigger) in self.areas.iter().enumerate() {
            if changed & (1 << n) != 0 {
                trigger.notify();
            }
        }
    }
}

/// The handle every [`Field`] and the session hold.
pub(super) type Handle = StoredValue<Rc<Cell>, LocalStorage>;

/// One part of the session's state, read like a read-only signal.
pub struct Field<T: 'static> {
    cell: Handle,
    area: Area,
    part: fn(&View) -> &T,
}

impl<T> Clone for Field<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Field<T> {}

impl<T> std::fmt::Debug for Field<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Field({:?})", self.area)
    }
}

impl<T: 'static> Field<T> {
    pub(super) fn new(cell: Handle, area: Area, part: fn(&View) -> &T) -> Field<T> {
        Field { cell, area, part }
    }

    /// Subscribes the running effect to changes of this part.
    pub fn track(&self) {
        if let Some(c) = self.cell.try_get_value() {
            c.areas[self.area as usize].track();
        }
    }

    /// Reads the value, subscribing the running effect to its changes.
    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.track();
        self.with_untracked(f)
    }

    /// Reads the value without subscribing.
    pub fn with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        let c = self.cell.get_value();
        let core = c.core.borrow();
        f((self.part)(core.view()))
    }
}

impl<T: Clone + 'static> Field<T> {
    pub fn get(&self) -> T {
        self.with(T::clone)
    }

    pub fn get_untracked(&self) -> T {
        self.with_untracked(T::clone)
    }
}

/// The widget's language, read like a signal; the session sets it.
#[derive(Clone, Copy)]
pub struct LangField(pub(super) Handle);

impl std::fmt::Debug for LangField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LangField")
    }
}

impl LangField {
    pub fn get(&self) -> Lang {
        let c = self.0.get_value();
        c.lang_changed.track();
        *c.lang.borrow()
    }

    pub fn get_untracked(&self) -> Lang {
        *self.0.get_value().lang.borrow()
    }

    /// Switches the language: the view redraws in it.
    pub fn set(&self, lang: Lang) {
        let c = self.0.get_value();
        *c.lang.borrow_mut() = lang;
        c.lang_changed.notify();
    }
}
