//! The airline's tables (Django's `flights/models.py`).

// ANCHOR: all
use manouche::Model;

// ANCHOR: airport
/// An airport: its code and its city. `AirportForm` is its ModelForm.
#[derive(Debug, Clone, PartialEq, Model)]
#[model(form = AirportForm)]
pub struct Airport {
    /// The key the database numbers (Django's automatic `id`).
    pub id: i64,
    /// The IATA code (`JFK`); no two airports share one.
    #[field(max_length = 3, unique)]
    pub code: String,
    /// The city it serves.
    #[field(max_length = 64)]
    pub city: String,
}

impl std::fmt::Display for Airport {
    /// Django's `__str__`: "New York (JFK)".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.city, self.code)
    }
}
// ANCHOR_END: airport

// ANCHOR: flight
/// A flight from one airport to another. `FlightForm` is its ModelForm.
#[derive(Debug, Clone, PartialEq, Model)]
#[model(form = FlightForm)]
pub struct Flight {
    /// The key.
    pub id: i64,
    /// Where it leaves from (Django's `ForeignKey(Airport, on_delete=CASCADE)`).
    #[field(foreign_key = Airport, on_delete = CASCADE)]
    pub origin_id: i64,
    /// Where it lands.
    #[field(foreign_key = Airport, on_delete = CASCADE)]
    pub destination_id: i64,
    /// Minutes in the air.
    pub duration: i32,
    /// Seats: the booking form refuses passengers beyond it.
    pub capacity: i32,
}
// ANCHOR_END: flight

// ANCHOR: passenger
/// A passenger; [`Booking`] puts them on flights.
#[derive(Debug, Clone, PartialEq, Model)]
pub struct Passenger {
    /// The key.
    pub id: i64,
    /// First name.
    #[field(max_length = 64)]
    pub first: String,
    /// Last name.
    #[field(max_length = 64)]
    pub last: String,
}

impl std::fmt::Display for Passenger {
    /// "Harry Potter".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.first, self.last)
    }
}

/// A passenger on a flight: the join table of Django's
/// `flights = ManyToManyField(Flight, related_name="passengers")`, once per pair.
#[derive(Debug, Clone, PartialEq, Model)]
#[model(unique_together(passenger_id, flight_id))]
pub struct Booking {
    /// The key.
    pub id: i64,
    /// Who flies.
    #[field(foreign_key = Passenger, on_delete = CASCADE)]
    pub passenger_id: i64,
    /// On which flight.
    #[field(foreign_key = Flight, on_delete = CASCADE)]
    pub flight_id: i64,
}
// ANCHOR_END: passenger
// ANCHOR_END: all
