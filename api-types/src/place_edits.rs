//! Editing the places a street keeps, one at a time, from the staff page:
//! add a community or a compound (with its station), add or rename a grid
//! or a building, move a building to another grid, retire an empty grid.
//! Every change is recorded — who, when, what, before → after — alongside
//! the places ledger's imports, and readable on the same page.

use crate::imports::{ADDRESS_MAX, FLOORS_RANGE, PER_FLOOR_RANGE, PLACE_NAME_MAX, UNITS_RANGE};
use crate::validate::{Checks, FieldError, Rule, required_text};
use serde::{Deserialize, Serialize};

/// `POST /api/v1/streets/{id}/communities`,
/// `POST /api/v1/communities/{id}/compounds` and
/// `POST /api/v1/compounds/{id}/grids`: a new place under another; also
/// `PUT /api/v1/grids/{id}`, a grid's new name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewPlace {
    /// Its name (1 to 40 characters), unique under its parent.
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 40))]
    pub name: String,
    /// A compound's address (required for a compound, at most 100
    /// characters); ignored for the others.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(max_length = 100))]
    pub address: Option<String>,
}

impl NewPlace {
    /// Every rule the place breaks; `compound` when it is a compound,
    /// which needs an address.
    pub fn validate(&self, compound: bool) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        checks.check(required_text("name", &self.name, PLACE_NAME_MAX));
        if compound {
            checks.check(required_text(
                "address",
                self.address.as_deref().unwrap_or_default(),
                ADDRESS_MAX,
            ));
        }
        checks.finish()
    }
}

/// `POST /api/v1/grids/{id}/buildings`: a building with its units and
/// rooms, numbered floor by floor as the ledger does (101, 102 … 602).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewBuilding {
    /// Its name (1 to 40 characters), e.g. 3幢, unique in the compound.
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 40))]
    pub name: String,
    /// Units (单元), 1 to 20.
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 20))]
    pub units: i64,
    /// Floors (层数), 1 to 60.
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 60))]
    pub floors: i64,
    /// Households per floor in each unit (一梯几户), 1 to 20.
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 20))]
    pub per_floor: i64,
}

impl NewBuilding {
    /// Every rule the building breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        checks.check(required_text("name", &self.name, PLACE_NAME_MAX));
        for (field, value, (low, high)) in [
            ("units", self.units, UNITS_RANGE),
            ("floors", self.floors, FLOORS_RANGE),
            ("per_floor", self.per_floor, PER_FLOOR_RANGE),
        ] {
            if !(low..=high).contains(&value) {
                checks.check(Err(FieldError::new(field, Rule::Invalid)));
            }
        }
        checks.finish()
    }
}

/// `PUT /api/v1/buildings/{id}`: a building's name and grid (another grid
/// of the same compound moves it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct BuildingEdit {
    /// Its name (1 to 40 characters), unique in the compound.
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 40))]
    pub name: String,
    /// Its grid, one of the compound's in service.
    pub grid_id: i64,
}

impl BuildingEdit {
    /// Every rule the edit breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        required_text("name", &self.name, PLACE_NAME_MAX).map_err(|e| vec![e])
    }
}

/// A place as it was created or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlaceRef {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
}

/// What a recorded change did: the `field` of a [`PlaceChangeRecord`].
pub mod change {
    /// The place was added (`before` empty, `after` its name).
    pub const CREATED: &str = "created";
    /// Renamed.
    pub const NAME: &str = "name";
    /// A compound's address changed.
    pub const ADDRESS: &str = "address";
    /// A building moved to another grid (grid names before and after).
    pub const GRID: &str = "grid";
    /// A grid was retired (`after` `retired`) or, by a ledger that lists it
    /// again, brought back (`before` `retired`).
    pub const RETIRED: &str = "retired";
}

/// `GET /api/v1/streets/{id}/place-changes`: one recorded change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlaceChangeRecord {
    /// The change's id.
    pub id: i64,
    /// Who made it; `None` for the command line.
    pub actor_name: Option<String>,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// The ledger import it came with, if any (`None`: edited on the page).
    pub import_id: Option<i64>,
    /// The place, e.g. 海景花园 3幢.
    pub place: String,
    /// What changed: `created`, `name`, `address`, `grid` or `retired`
    /// (see [`change`]).
    pub field: String,
    /// Before.
    pub before: String,
    /// After.
    pub after: String,
}
