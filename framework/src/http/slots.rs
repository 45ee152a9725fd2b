//! What the built-in middleware attach to a request, each value under a type that only its
//! own module defines (the session's, the CSRF state's): http::Extensions without its
//! hash map and per-value box, for the few values every request carries.

use std::any::Any;
use std::sync::Arc;

/// A value attached to a request.
type Slot = Arc<dyn Any + Send + Sync>;

/// A request's attached values: three in place (the resolver match, the session's, the
/// CSRF state's), more in a vector, and those made later by a view that holds the
/// request shared (the messages it adds): nothing is made for a request that needs none.
#[derive(Default)]
pub(crate) struct Slots {
    inline: [Option<Slot>; 3],
    more: Vec<Slot>,
    late: std::sync::Mutex<Vec<Slot>>,
    /// Whether `late` holds anything: most requests never lock it.
    has_late: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for Slots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slots").finish_non_exhaustive()
    }
}

impl Slots {
    /// Attaches `value`, replacing one of the same type.
    pub(crate) fn attach<T: Any + Send + Sync>(&mut self, value: T) {
        let value: Slot = Arc::new(value);
        let same = |s: &Slot| s.is::<T>();
        if let Some(slot) = self.inline.iter_mut().flatten().find(|s| same(s)) {
            *slot = value;
        } else if let Some(slot) = self.more.iter_mut().find(|s| same(s)) {
            *slot = value;
        } else if let Some(slot) = self.inline.iter_mut().find(|s| s.is_none()) {
            *slot = Some(value);
        } else {
            self.more.push(value);
        }
    }

    /// The attached value of type `T`.
    pub(crate) fn get<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.all().find_map(|s| s.downcast_ref::<T>())
    }

    /// The attached value of type `T`, shared (also one made late).
    pub(crate) fn shared<T: Any + Send + Sync>(&self) -> Option<Arc<T>> {
        if let Some(found) = self.all().find(|s| s.is::<T>()) {
            return Arc::downcast::<T>(found.clone()).ok();
        }
        if !self.has_late.load(std::sync::atomic::Ordering::Acquire) {
            return None;
        }
        let late = self.late.lock().unwrap_or_else(|e| e.into_inner());
        late.iter()
            .find(|s| s.is::<T>())
            .and_then(|s| Arc::downcast::<T>(s.clone()).ok())
    }

    /// The value of type `T`, made by `make` and kept when there is none yet.
    pub(crate) fn shared_or_make<T: Any + Send + Sync>(&self, make: impl FnOnce() -> T) -> Arc<T> {
        if let Some(found) = self.shared::<T>() {
            return found;
        }
        let mut late = self.late.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = late.iter().find(|s| s.is::<T>())
            && let Ok(found) = Arc::downcast::<T>(found.clone())
        {
            return found;
        }
        let made = Arc::new(make());
        late.push(made.clone());
        self.has_late
            .store(true, std::sync::atomic::Ordering::Release);
        made
    }

    fn all(&self) -> impl Iterator<Item = &Slot> {
        self.inline.iter().flatten().chain(self.more.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::Slots;

    #[test]
    fn values_are_found_by_type_and_replaced_by_type() {
        let mut slots = Slots::default();
        slots.attach(1u8);
        slots.attach("two");
        slots.attach(3u32);
        slots.attach(4u8);
        assert_eq!(slots.get::<u8>(), Some(&4));
        assert_eq!(slots.get::<&str>(), Some(&"two"));
        assert_eq!(slots.get::<u32>(), Some(&3));
        assert_eq!(slots.get::<u64>(), None);
        slots.attach(5u32);
        assert_eq!(slots.shared::<u32>().as_deref(), Some(&5));
        slots.attach(6u16);
        assert_eq!(slots.more.len(), 1);
        let made = slots.shared_or_make(|| 7i64);
        assert_eq!(*made, 7);
        assert_eq!(*slots.shared_or_make(|| 8i64), 7, "made once");
        assert_eq!(slots.shared::<i64>().as_deref(), Some(&7));
    }
}
