// ANCHOR: all
use manouche::db::{AnyConnection, native};
use manouche::diesel::prelude::*;
use manouche::forms::ModelForm;
use manouche::messages;
use manouche::prelude::*;
use manouche::serde_json;

use super::models::{Airport, AirportForm, Booking, Flight, FlightForm, NewBooking, Passenger};
use super::models::{airport, booking, passenger};

/// A flight with its airports, as the pages show it.
pub struct Route {
    /// The flight.
    pub flight: Flight,
    /// Where it leaves from.
    pub origin: Airport,
    /// Where it lands.
    pub destination: Airport,
}

/// The airports of `flights`, each flight with its own.
fn routes(c: &mut AnyConnection, flights: Vec<Flight>) -> QueryResult<Vec<Route>> {
    let ids: Vec<i64> = flights
        .iter()
        .flat_map(|f| [f.origin_id, f.destination_id])
        .collect();
    // native!: the query compiled for SQLite and for PostgreSQL, run on the one in use.
    let airports: Vec<Airport> = native!(c, |c| airport::table
        .filter(airport::id.eq_any(ids))
        .select(Airport::as_select())
        .load(c))?;
    let find = |id: i64| airports.iter().find(|a| a.id == id).cloned();
    Ok(flights
        .into_iter()
        .filter_map(|flight| {
            Some(Route {
                origin: find(flight.origin_id)?,
                destination: find(flight.destination_id)?,
                flight,
            })
        })
        .collect())
}

// ANCHOR: index
#[derive(Template)]
#[template(path = "flights/index.html")]
struct Index {
    routes: Vec<Route>,
}

/// `flights:index`: every flight (Django's `Flight.objects.all()`).
#[view]
pub async fn index(request: &Request) -> Result<Response> {
    let routes = request
        .db()?
        .run(|c| {
            let flights = Flight::all(c)?;
            routes(c, flights)
        })
        .await?;
    render(request, Index { routes })
}
// ANCHOR_END: index

// ANCHOR: flight
/// One flight, who is on it, and who could be.
pub struct Detail {
    /// The flight and its airports.
    pub route: Route,
    /// Its passengers (Django's `flight.passengers.all()`).
    pub passengers: Vec<Passenger>,
    /// Everyone else, for the booking form.
    pub non_passengers: Vec<Passenger>,
}

/// The flight `id` and its passengers; a 404 when there is no such flight.
fn detail(c: &mut AnyConnection, id: i64) -> Result<Detail> {
    let flight = Flight::get(c, id).or_404()?;
    let on_board = booking::table
        .filter(booking::flight_id.eq(id))
        .select(booking::passenger_id);
    let (passengers, non_passengers) = native!(c, |c| {
        let passengers = passenger::table
            .filter(passenger::id.eq_any(on_board))
            .order(passenger::id)
            .select(Passenger::as_select())
            .load(c)?;
        let non_passengers = passenger::table
            .filter(diesel::dsl::not(passenger::id.eq_any(on_board)))
            .order(passenger::id)
            .select(Passenger::as_select())
            .load(c)?;
        (passengers, non_passengers)
    });
    let route = routes(c, vec![flight])?
        .pop()
        .ok_or_else(|| Error::new(ErrorKind::Internal, "a flight without its airports"))?;
    Ok(Detail {
        route,
        passengers,
        non_passengers,
    })
}

#[derive(Template)]
#[template(path = "flights/flight.html")]
struct FlightPage {
    detail: Detail,
}

/// `flights:flight`: the flight page (Django's `Flight.objects.get(pk=flight_id)`, a 404 for
/// an unknown id).
#[view]
pub async fn flight(request: &Request, flight_id: i64) -> Result<Response> {
    let detail = request.db()?.run(move |c| detail(c, flight_id)).await?;
    render(request, FlightPage { detail })
}
// ANCHOR_END: flight

// ANCHOR: book
/// The booking form's one field: who to put on the flight.
#[derive(Form)]
pub struct BookForm {
    /// The passenger's key.
    pub passenger: i64,
}

/// What a booking came to.
enum Booked {
    Done,
    Full,
    Already,
    NoSuchPassenger,
}

/// `flights:book`: puts a passenger on the flight (Django's `passenger.flights.add(flight)`),
/// then goes back to the flight's page. A full flight, an unknown passenger or one already
/// booked is said there as a message.
#[view]
pub async fn book(request: &mut Request, flight_id: i64) -> Result<Response> {
    if request.method() != Method::POST {
        return Err(Error::new(
            ErrorKind::MethodNotAllowed,
            format!(
                "Method Not Allowed ({}): {}",
                request.method(),
                request.path()
            ),
        ));
    }
    let form = BookForm::bind(request).await?;
    let Some(data) = form.cleaned() else {
        return Err(BadRequest::new("choose a passenger").into());
    };
    let passenger_id = data.passenger;
    let booked = request
        .db()?
        .run(move |c| -> Result<Booked> {
            let flight = Flight::get(c, flight_id).or_404()?;
            if Passenger::get(c, passenger_id).optional()?.is_none() {
                return Ok(Booked::NoSuchPassenger);
            }
            c.transaction(|c| {
                let taken: i64 = booking::table
                    .filter(booking::flight_id.eq(flight_id))
                    .count()
                    .get_result(c)?;
                if taken >= i64::from(flight.capacity) {
                    return Ok(Booked::Full);
                }
                let new = NewBooking {
                    passenger_id,
                    flight_id,
                };
                match new.insert(c) {
                    Ok(Booking { .. }) => Ok(Booked::Done),
                    Err(diesel::result::Error::DatabaseError(
                        diesel::result::DatabaseErrorKind::UniqueViolation,
                        _,
                    )) => Ok(Booked::Already),
                    Err(e) => Err(e),
                }
            })
            .map_err(Error::from)
        })
        .await?;
    match booked {
        Booked::Done => messages::success(request, "Booked.")?,
        Booked::Full => messages::error(request, "This flight is full.")?,
        Booked::Already => messages::error(request, "That passenger is already on this flight.")?,
        Booked::NoSuchPassenger => messages::error(request, "There is no such passenger.")?,
    }
    Ok(redirect(url!("flights:flight", flight_id = flight_id)?))
}
// ANCHOR_END: book

// ANCHOR: new
#[derive(Template)]
#[template(path = "flights/new.html")]
struct NewFlightPage {
    form: Bound<FlightForm>,
}

/// `flights:new`: a flight from a ModelForm, its airports picked in `<select>`s of the
/// airports in the table (Django's `ModelChoiceField`).
#[view]
pub async fn new_flight(request: &mut Request) -> Result<Response> {
    let (form, saved) = FlightForm::submit(request).await?;
    if let Some(flight) = saved {
        return Ok(redirect(url!("flights:flight", flight_id = flight.id)?));
    }
    render(request, NewFlightPage { form })
}

#[derive(Template)]
#[template(path = "flights/new_airport.html")]
struct NewAirportPage {
    form: Bound<AirportForm>,
}

/// `flights:new_airport`: an airport from a ModelForm; a code already taken is the form's
/// error ("Airport with this Code already exists."), as Django's `validate_unique` says.
#[view]
pub async fn new_airport(request: &mut Request) -> Result<Response> {
    let (form, saved) = AirportForm::submit(request).await?;
    if let Some(airport) = saved {
        messages::success(request, format!("Added {airport}."))?;
        return Ok(redirect(url!("flights:new")));
    }
    render(request, NewAirportPage { form })
}
// ANCHOR_END: new

// ANCHOR: api
/// `flights:api`: the flight as JSON, for a script (Django's `JsonResponse`); a 404 for an
/// unknown id.
#[view]
pub async fn api(request: &Request, flight_id: i64) -> Result<Json<serde_json::Value>> {
    let d = request.db()?.run(move |c| detail(c, flight_id)).await?;
    let names: Vec<String> = d.passengers.iter().map(ToString::to_string).collect();
    Ok(Json(serde_json::json!({
        "origin": d.route.origin.to_string(),
        "destination": d.route.destination.to_string(),
        "duration": d.route.flight.duration,
        "passengers": names,
    })))
}
// ANCHOR_END: api
// ANCHOR_END: all
