#[derive(manouche::Form)]
struct Order {
    #[field(max_length = 3)]
    quantity: u32,
    #[field(min_value = 1)]
    note: String,
}
fn main() {}
