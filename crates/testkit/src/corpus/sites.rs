//! The demo corpus's websites: who they are, their language and camp, and the few that
//! misbehave on purpose.

use super::text::Group;

/// How a website answers besides serving its articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    Normal,
    /// robots.txt disallows this folder; the articles link into it.
    Disallows(&'static str),
    /// Every path redirects (301) to this website's home page.
    RedirectsTo(&'static str),
    /// Every page answers 500 (robots.txt is missing: 404).
    Fails,
}

#[derive(Debug, Clone, Copy)]
pub struct DemoSite {
    pub host: &'static str,
    pub name: &'static str,
    pub group: Group,
    pub danish: bool,
    /// Article pages live on this host instead of the main one (news sites do that), here
    /// on a second domain, so one actor spans two websites until a researcher merges them.
    pub article_host: Option<&'static str>,
    pub behaviour: Behaviour,
}

const fn site(host: &'static str, name: &'static str, group: Group, danish: bool) -> DemoSite {
    DemoSite {
        host,
        name,
        group,
        danish,
        article_host: None,
        behaviour: Behaviour::Normal,
    }
}

use Group::*;

pub const SITES: &[DemoSite] = &[
    site("energiagenturet.test", "Energiagenturet", Government, true),
    site("klimaministeriet.test", "Klimaministeriet", Government, true),
    site("esbjerg-kommune.test", "Esbjerg Kommune", Government, true),
    site("lolland-kommune.test", "Lolland Kommune", Government, true),
    site(
        "danish-energy-office.test",
        "Danish Energy Office",
        Government,
        false,
    ),
    site("nordvind.test", "Nordvind A/S", Industry, true),
    site("havkraft.test", "Havkraft", Industry, false),
    site("solmark.test", "Solmark", Industry, true),
    site("brintfabrikken.test", "Brintfabrikken", Industry, true),
    site(
        "dansk-energiindustri.test",
        "Dansk Energiindustri",
        Industry,
        true,
    ),
    site("gridlink.test", "Gridlink", Industry, false),
    site("biogas-danmark.test", "Biogas Danmark", Industry, true),
    DemoSite {
        behaviour: Behaviour::Disallows("/intern/"),
        ..site("groen-fremtid.test", "Grøn Fremtid", Ngo, true)
    },
    site("klimabevaegelsen.test", "Klimabevægelsen", Ngo, true),
    site(
        "nordic-nature-alliance.test",
        "Nordic Nature Alliance",
        Ngo,
        false,
    ),
    site("fugle-og-natur.test", "Fugle og Natur", Ngo, true),
    site("energifaellesskaber.test", "Energifællesskaberne", Ngo, true),
    site("climate-action-dk.test", "Climate Action Denmark", Ngo, false),
    DemoSite {
        article_host: Some("nyheder.vestkysten.test"),
        ..site("www.vestkysten-nyt.test", "Vestkysten Nyt", News, true)
    },
    site("lolland-avis.test", "Lolland Avis", News, true),
    site("thy-posten.test", "Thy Posten", News, true),
    site("bornholm-nu.test", "Bornholm Nu", News, true),
    site("aarhus-dagblad.test", "Aarhus Dagblad", News, true),
    site("cph-times.test", "The Copenhagen Times", News, false),
    site("fynske-nyheder.test", "Fynske Nyheder", News, true),
    site("midtjylland-lokal.test", "Midtjylland Lokal", News, true),
    site(
        "institut-energisystemer.test",
        "Institut for Energisystemer",
        Research,
        true,
    ),
    site(
        "north-sea-energy-lab.test",
        "North Sea Energy Lab",
        Research,
        false,
    ),
    site(
        "vestjysk-universitet.test",
        "Vestjysk Universitet",
        Research,
        true,
    ),
    site(
        "energy-economics-review.test",
        "Energy Economics Review",
        Research,
        false,
    ),
    site("klimaforskning.test", "Klimaforskning.dk", Research, true),
    site(
        "hydrogen-research-centre.test",
        "Hydrogen Research Centre",
        Research,
        false,
    ),
    site("fornuftig-energi.test", "Fornuftig Energi", Sceptic, true),
    DemoSite {
        behaviour: Behaviour::Disallows("/medlemmer/"),
        ..site("naboer-mod-moeller.test", "Naboer mod Møller", Sceptic, true)
    },
    site("energy-realism.test", "Energy Realism Forum", Sceptic, false),
    site("landskabsvaern.test", "Landskabsværn", Sceptic, true),
    site(
        "skatteyderne-energi.test",
        "Skatteydernes Energiforum",
        Sceptic,
        true,
    ),
    DemoSite {
        behaviour: Behaviour::RedirectsTo("energiagenturet.test"),
        ..site(
            "gammel-energiportal.test",
            "Energiportalen (lukket)",
            Government,
            true,
        )
    },
    DemoSite {
        behaviour: Behaviour::Fails,
        ..site("nedlagt-klimaforum.test", "Klimaforum (nedlagt)", Ngo, true)
    },
];
