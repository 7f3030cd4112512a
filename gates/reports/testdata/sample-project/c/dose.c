/* Dose calculation sample for coverage reports. */
#include <stdio.h>
#include <stdlib.h>

/* Returns the dose in micrograms for a weight in kilograms. */
int dose_mcg(int weight_kg, int is_child)
{
    if (weight_kg <= 0) {
        return -1;
    }
    if (is_child && weight_kg < 40) {
        return weight_kg * 10;
    }
    if (weight_kg > 150) {
        return 1500;
    }
    return weight_kg * 8;
}

/* Never called by the test, so it stays uncovered. */
int max_daily(int dose, int times)
{
    if (times > 4) {
        times = 4;
    }
    return dose * times;
}

int main(int argc, char **argv)
{
    int failures = 0;
    if (dose_mcg(20, 1) != 200) failures++;
    if (dose_mcg(70, 0) != 560) failures++;
    if (argc > 1) {
        printf("%d\n", dose_mcg(atoi(argv[1]), 0));
    }
    return failures;
}
