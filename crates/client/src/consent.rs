//! When the visitor's data may be written to the browser's storage: the token store's consent
//! rules, pure ([`crate::storage::TokenStore`] carries out what they answer).
//!
//! Three things can hold writes back, and one notion of consent ends each:
//!
//! - the site's consent mode (`data-consent="required"`): the visitor's first interaction, or
//!   the site's `consent()`, opens the gate;
//! - the server's forced data-processing consent (Rocket.Chat's
//!   `forceAcceptDataProcessingConsent`): only the visitor's agreement (*I agree*, or the site's
//!   `consent()` for them) opens it — an interaction does not; an agreement stored on an earlier
//!   visit counts. A store that was open when it was demanded gives back to memory what it held
//!   of a visitor with no conversation (nothing of theirs stays stored without consent; a chat
//!   begun before the site owner turned it on is not lost);
//! - the widget's hold until the server's configuration says which applies: an interaction
//!   meanwhile is remembered and counts once it is known that none is demanded.

/// What the gate waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Nothing: writes go to storage.
    Nothing,
    /// The site's consent mode: the visitor's first interaction.
    Interaction,
    /// The configuration (whether the server demands consent); `touched`: the visitor
    /// interacted meanwhile.
    Configuration { touched: bool },
    /// The visitor's agreement, which the server demands.
    Agreement,
}

/// What a change asks of the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// Nothing to do.
    Stay,
    /// Write what waited in memory.
    Write,
    /// Take what storage holds back into memory (then nothing of the visitor is stored).
    TakeBack,
}

/// The gate in front of the visitor's storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gate {
    site_requires: bool,
    wait: Wait,
}

impl Gate {
    /// A gate for a site that asks for consent mode (`site_requires`) or not.
    pub fn new(site_requires: bool) -> Gate {
        Gate { site_requires, wait: if site_requires { Wait::Interaction } else { Wait::Nothing } }
    }

    pub fn wait(&self) -> Wait {
        self.wait
    }

    /// Writes go to storage.
    pub fn is_open(&self) -> bool {
        self.wait == Wait::Nothing
    }

    /// The visitor's agreement is asked for.
    pub fn asks(&self) -> bool {
        self.wait == Wait::Agreement
    }

    /// Holds writes until [`Gate::settle`]: the configuration has not come.
    pub fn hold(&mut self) {
        self.wait = Wait::Configuration { touched: false };
    }

    /// The visitor interacted.
    pub fn interacted(&mut self) -> Then {
        match self.wait {
            Wait::Interaction => self.open(),
            Wait::Configuration { .. } => {
                self.wait = Wait::Configuration { touched: true };
                Then::Stay
            }
            Wait::Nothing | Wait::Agreement => Then::Stay,
        }
    }

    /// The configuration came: `forced`, the server demands consent; `agreed_before`, the
    /// visitor's agreement is stored; `conversation`, a conversation of theirs is stored.
    pub fn settle(&mut self, forced: bool, agreed_before: bool, conversation: bool) -> Then {
        if forced && !agreed_before {
            return self.demand(conversation);
        }
        match self.wait {
            Wait::Configuration { touched } if agreed_before || touched || !self.site_requires => self.open(),
            Wait::Configuration { .. } => {
                self.wait = Wait::Interaction;
                Then::Stay
            }
            Wait::Agreement if agreed_before => self.open(),
            _ => Then::Stay,
        }
    }

    /// The server demands the visitor's agreement (not given before).
    pub fn demand(&mut self, conversation: bool) -> Then {
        let was_open = self.is_open();
        self.wait = Wait::Agreement;
        if was_open && !conversation { Then::TakeBack } else { Then::Stay }
    }

    /// The visitor agreed (or the site consented for them).
    pub fn consent(&mut self) -> Then {
        self.open()
    }

    fn open(&mut self) -> Then {
        let was_open = self.is_open();
        self.wait = Wait::Nothing;
        if was_open { Then::Stay } else { Then::Write }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_consent_mode_writes_go_at_once() {
        let mut g = Gate::new(false);
        assert!(g.is_open());
        assert_eq!(g.interacted(), Then::Stay);
        assert_eq!(g.settle(false, false, false), Then::Stay);
        assert!(g.is_open());
    }

    #[test]
    fn the_sites_consent_mode_opens_at_an_interaction_or_consent() {
        let mut g = Gate::new(true);
        assert_eq!(g.wait(), Wait::Interaction);
        assert_eq!(g.interacted(), Then::Write);
        assert!(g.is_open());
        assert_eq!(g.interacted(), Then::Stay, "once");
        let mut g = Gate::new(true);
        assert_eq!(g.consent(), Then::Write);
        assert_eq!(g.consent(), Then::Stay);
    }

    #[test]
    fn held_until_the_configuration() {
        // Nothing demanded, no consent mode: what waited is written.
        let mut g = Gate::new(false);
        g.hold();
        assert!(!g.is_open());
        assert_eq!(g.settle(false, false, false), Then::Write);
        assert!(g.is_open());

        // The site's consent mode: still waiting for an interaction…
        let mut g = Gate::new(true);
        g.hold();
        assert_eq!(g.settle(false, false, false), Then::Stay);
        assert_eq!(g.wait(), Wait::Interaction);
        assert_eq!(g.interacted(), Then::Write);
        // …unless one came meanwhile.
        let mut g = Gate::new(true);
        g.hold();
        assert_eq!(g.interacted(), Then::Stay, "not before the configuration");
        assert_eq!(g.settle(false, false, false), Then::Write);
    }

    #[test]
    fn a_forced_consent_opens_only_at_the_agreement() {
        let mut g = Gate::new(false);
        g.hold();
        g.interacted();
        assert_eq!(g.settle(true, false, false), Then::Stay, "held memory stays memory");
        assert!(g.asks());
        assert_eq!(g.interacted(), Then::Stay, "a click is no agreement");
        assert!(!g.is_open());
        assert_eq!(g.consent(), Then::Write);
        assert!(g.is_open() && !g.asks());
    }

    #[test]
    fn an_agreement_given_before_counts() {
        let mut g = Gate::new(true);
        g.hold();
        assert_eq!(g.settle(true, true, false), Then::Write, "over the site's consent mode too: one consent");
        assert!(!g.asks());
        // Demanded earlier in the page, then the agreement turned up (another tab's).
        let mut g = Gate::new(false);
        g.hold();
        g.settle(true, false, false);
        assert_eq!(g.settle(true, true, false), Then::Write);
    }

    #[test]
    fn demanded_of_an_open_store_a_new_visitor_is_taken_back_a_conversation_kept() {
        let mut g = Gate::new(false);
        assert_eq!(g.demand(false), Then::TakeBack);
        assert!(g.asks());
        let mut g = Gate::new(false);
        assert_eq!(g.demand(true), Then::Stay, "a chat begun before is not lost");
        assert!(g.asks() && !g.is_open(), "but nothing new is written");
        let mut g = Gate::new(true);
        assert_eq!(g.demand(false), Then::Stay, "nothing was stored");
    }

    #[test]
    fn forgotten_then_held_again() {
        let mut g = Gate::new(false);
        g.consent();
        g.hold();
        assert_eq!(g.settle(true, false, false), Then::Stay);
        assert!(g.asks(), "asked again once the agreement was forgotten");
    }
}
