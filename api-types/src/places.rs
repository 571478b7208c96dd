//! The place hierarchy: street → community → compound (one mutual-aid
//! station each) → grid → building → unit → household.
//!
//! These are public summaries: names and counts, never a household's room
//! or a resident's phone.

use serde::{Deserialize, Serialize};

/// A street (街道) with the size of what it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct StreetSummary {
    /// The street's id.
    pub id: i64,
    /// Its name, e.g. 宁安街道.
    pub name: String,
    /// The city district it belongs to, e.g. 定海区.
    pub district: String,
    /// Communities under it.
    pub community_count: i64,
    /// Compounds under it (one mutual-aid station each).
    pub compound_count: i64,
    /// Households registered under it.
    pub household_count: i64,
}

/// A community (社区) with the size of what it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CommunitySummary {
    /// The community's id.
    pub id: i64,
    /// The street it belongs to.
    pub street_id: i64,
    /// Its name, e.g. 东港社区.
    pub name: String,
    /// Compounds in it.
    pub compound_count: i64,
    /// Households in it.
    pub household_count: i64,
}

/// `?street_id=` or `?community_id=` filters of the compound list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
pub struct CompoundFilter {
    /// Only compounds of this street.
    pub street_id: Option<i64>,
    /// Only compounds of this community.
    pub community_id: Option<i64>,
}

/// `?street_id=` filter of the community list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
pub struct CommunityFilter {
    /// Only communities of this street.
    pub street_id: Option<i64>,
}

/// A compound's mutual-aid station (小区居民自治互助站).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct StationSummary {
    /// The station's id.
    pub id: i64,
    /// Its name, e.g. 海景花园居民自治互助站.
    pub name: String,
    /// The station head's name, as posted on the compound's board.
    pub head_name: Option<String>,
    /// Station members, the head included (7 to 13 in the field).
    pub member_count: i64,
}

/// A compound (小区) with its station and its size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CompoundSummary {
    /// The compound's id.
    pub id: i64,
    /// The community it belongs to.
    pub community_id: i64,
    /// The street of its community (whose affair categories apply).
    pub street_id: i64,
    /// That community's name.
    pub community_name: String,
    /// The compound's name, e.g. 海景花园.
    pub name: String,
    /// Its street address.
    pub address: String,
    /// Its mutual-aid station, if one is set up.
    pub station: Option<StationSummary>,
    /// Grids in it.
    pub grid_count: i64,
    /// Buildings in it.
    pub building_count: i64,
    /// Households in it.
    pub household_count: i64,
}

/// A building (楼栋) of a grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct BuildingSummary {
    /// The building's id.
    pub id: i64,
    /// Its name, e.g. 3号楼.
    pub name: String,
    /// Units (单元) in it.
    pub unit_count: i64,
    /// The units' names, in order (what a resident picks from).
    pub units: Vec<String>,
    /// Households in it.
    pub household_count: i64,
}

/// A grid (网格) of a compound, with its worker and buildings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GridSummary {
    /// The grid's id.
    pub id: i64,
    /// Its name, e.g. 第一网格.
    pub name: String,
    /// The grid worker's name, as posted in the compound.
    pub worker_name: Option<String>,
    /// Households in it.
    pub household_count: i64,
    /// Its buildings, in order.
    pub buildings: Vec<BuildingSummary>,
}

/// `GET /api/v1/compounds/{id}`: a compound with its grids and buildings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CompoundDetail {
    /// The compound's summary.
    #[serde(flatten)]
    pub summary: CompoundSummary,
    /// Its grids, in order.
    pub grids: Vec<GridSummary>,
}
