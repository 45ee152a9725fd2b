use manouche::Model;

#[derive(Model)]
pub struct Airport {
    pub id: i64,
    #[field(max_length = 3)]
    pub code: String,
}

// A foreign key without on_delete.
#[derive(Model)]
pub struct Flight {
    pub id: i64,
    #[field(foreign_key = Airport)]
    pub origin_id: i64,
}

// A type no column has.
#[derive(Model)]
pub struct Gate {
    pub id: i64,
    pub doors: Vec<String>,
}

// No primary key.
#[derive(Model)]
pub struct Crew {
    pub name: String,
}

// SET_NULL on a field that cannot be NULL.
#[derive(Model)]
pub struct Seat {
    pub id: i64,
    #[field(foreign_key = Airport, on_delete = SET_NULL)]
    pub airport_id: i64,
}

// unique_together naming no field.
#[derive(Model)]
#[model(unique_together(id, nmae))]
pub struct Pilot {
    pub id: i64,
    pub name: String,
}

fn main() {}
